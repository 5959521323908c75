package io.weir.metadata.controller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllerTimingsTest {
    @Test
    void readsTheImbalanceIntervalInSecondsWithKafkasDefault() {
        assertEquals(300_000, ControllerTimings.fromProperties(Map.of()).leaderImbalanceCheckIntervalMs());
        assertEquals(5_000, ControllerTimings.fromProperties(
                Map.of("leader.imbalance.check.interval.seconds", "5")).leaderImbalanceCheckIntervalMs());
    }

    @Test
    void badValuesNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ControllerTimings
                .fromProperties(Map.of("leader.imbalance.check.interval.seconds", "soon")));
        assertEquals("Invalid value soon for configuration leader.imbalance.check.interval.seconds: not a number",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ControllerTimings
                .fromProperties(Map.of("leader.imbalance.check.interval.seconds", "0")));
        assertEquals("Invalid value 0 for configuration leader.imbalance.check.interval.seconds: must be a positive "
                + "number of seconds", e.getMessage());
    }
}
