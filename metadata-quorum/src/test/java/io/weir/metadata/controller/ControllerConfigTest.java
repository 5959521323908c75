package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllerConfigTest {
    @Test
    void kafkaDefaults() {
        assertEquals(new ControllerConfig(9000, 1, (short) 1, true, 10, false), ControllerConfig.fromProperties(Map.of()));
    }

    @Test
    void readsKafkaKeys() {
        ControllerConfig c = ControllerConfig.fromProperties(Map.of("broker.session.timeout.ms", "6000",
                "num.partitions", "3", "default.replication.factor", "2", "auto.leader.rebalance.enable", "false",
                "leader.imbalance.per.broker.percentage", "25", "unclean.leader.election.enable", "TRUE"));
        assertEquals(new ControllerConfig(6000, 3, (short) 2, false, 25, true), c);
    }

    @Test
    void badValuesNameKeyAndReason() {
        assertMessage(Map.of("num.partitions", "many"), "Invalid value many for configuration num.partitions: not a number");
        assertMessage(Map.of("num.partitions", "0"), "Invalid value 0 for configuration num.partitions: must be positive");
        assertMessage(Map.of("broker.session.timeout.ms", "-1"),
                "Invalid value -1 for configuration broker.session.timeout.ms: must be positive");
        assertMessage(Map.of("default.replication.factor", "40000"),
                "Invalid value 40000 for configuration default.replication.factor: out of range");
        assertMessage(Map.of("num.partitions", "-4294967295"),
                "Invalid value -4294967295 for configuration num.partitions: out of range");
        assertMessage(Map.of("leader.imbalance.per.broker.percentage", "101"),
                "Invalid value 101 for configuration leader.imbalance.per.broker.percentage: must be between 0 and 100");
        assertMessage(Map.of("auto.leader.rebalance.enable", "yes"),
                "Invalid value yes for configuration auto.leader.rebalance.enable: expected true or false");
    }

    private static void assertMessage(Map<String, String> props, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ControllerConfig.fromProperties(props));
        assertEquals(message, e.getMessage());
    }
}
