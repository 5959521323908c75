package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.Endpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaPlacerTest {
    private static List<BrokerRegistration> brokers(int n, int racks) {
        List<BrokerRegistration> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new BrokerRegistration(i, 1, "inc", List.of(new Endpoint("P", "h", 1)),
                    racks > 0 ? Optional.of("rack" + (i % racks)) : Optional.empty(), false, false));
        }
        return out;
    }

    @Test
    void replicasGoToDistinctRacksWhenThereAreEnough() {
        // Racks of unequal size: rack0 has 4 brokers, rack1 and rack2 have 2.
        List<BrokerRegistration> bs = new ArrayList<>(brokers(6, 3));
        bs.add(new BrokerRegistration(6, 1, "inc", List.of(), Optional.of("rack0"), false, false));
        bs.add(new BrokerRegistration(7, 1, "inc", List.of(), Optional.of("rack0"), false, false));
        Map<Integer, String> rackOf = new HashMap<>();
        bs.forEach(b -> rackOf.put(b.id(), b.rack().orElseThrow()));
        List<List<Integer>> placement = ReplicaPlacer.place("t", 0, 40, 3, bs, Map.of());
        for (List<Integer> replicas : placement) {
            assertEquals(3, new HashSet<>(replicas).size(), "distinct brokers " + replicas);
            Set<String> racks = new HashSet<>();
            replicas.forEach(r -> racks.add(rackOf.get(r)));
            assertEquals(3, racks.size(), "distinct racks " + replicas);
        }
    }

    @Test
    void moreReplicasThanRacksStillUsesEveryRackAndDistinctBrokers() {
        List<BrokerRegistration> bs = brokers(6, 2);
        for (List<Integer> replicas : ReplicaPlacer.place("t", 0, 12, 4, bs, Map.of())) {
            assertEquals(4, new HashSet<>(replicas).size(), replicas.toString());
            Set<Integer> racks = new HashSet<>();
            replicas.forEach(r -> racks.add(r % 2));
            assertEquals(2, racks.size(), replicas.toString());
            // The first two replicas (leader and first follower) are on different racks.
            assertNotEquals(replicas.get(0) % 2, replicas.get(1) % 2, replicas.toString());
        }
    }

    @Test
    void leadersSpreadEvenlyWithinATopicAndAcrossTopics() {
        List<BrokerRegistration> bs = brokers(5, 0);
        Map<Integer, Integer> leaders = new HashMap<>();
        for (List<Integer> r : ReplicaPlacer.place("t", 0, 12, 3, bs, Map.of())) {
            leaders.merge(r.get(0), 1, Integer::sum);
        }
        assertEquals(5, leaders.size());
        assertTrue(Collections.max(leaders.values()) - Collections.min(leaders.values()) <= 1, leaders.toString());
        // Further topics placed with the running counts keep the cluster-wide spread within one.
        for (int t = 0; t < 7; t++) {
            for (List<Integer> r : ReplicaPlacer.place("topic" + t, 0, 1 + t % 3, 2, bs, leaders)) {
                leaders.merge(r.get(0), 1, Integer::sum);
            }
            assertTrue(Collections.max(leaders.values()) - Collections.min(leaders.values()) <= 1,
                    leaders.toString());
        }
    }

    @Test
    void replicasSpreadOverBrokers() {
        int[][] cases = {{5, 0, 12, 3}, {6, 3, 30, 3}, {4, 2, 8, 2}, {7, 0, 100, 3}, {8, 4, 16, 3}};
        for (int[] c : cases) {
            Map<Integer, Integer> replicas = new HashMap<>();
            for (List<Integer> r : ReplicaPlacer.place("t", 0, c[2], c[3], brokers(c[0], c[1]), Map.of())) {
                r.forEach(b -> replicas.merge(b, 1, Integer::sum));
            }
            assertEquals(c[0], replicas.size(), java.util.Arrays.toString(c));
            assertTrue(Collections.max(replicas.values()) - Collections.min(replicas.values()) <= 2,
                    java.util.Arrays.toString(c) + " " + replicas);
        }
    }

    @Test
    void samePlacementForSameInputsAndFollowerSetsVary() {
        List<BrokerRegistration> bs = brokers(4, 2);
        List<List<Integer>> a = ReplicaPlacer.place("orders", 0, 16, 3, bs, Map.of(1, 3));
        List<List<Integer>> b = ReplicaPlacer.place("orders", 0, 16, 3, brokers(4, 2), Map.of(1, 3));
        assertEquals(a, b);
        assertTrue(new HashSet<>(a).size() > 4, "partitions do not all share a few replica lists: " + a);
    }

    @Test
    void singleBrokerAndTooFewBrokers() {
        assertEquals(List.of(List.of(0), List.of(0)), ReplicaPlacer.place("t", 0, 2, 1, brokers(1, 0), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> ReplicaPlacer.place("t", 0, 1, 2, brokers(1, 0), Map.of()));
    }

    @Test
    void controllerPlacesOnActiveBrokersOnly() {
        ControllerTestEnv env = new ControllerTestEnv();
        env.startBrokers(4, 2);
        env.heartbeat(3, true);
        env.createTopic("t", 8, 3, Map.of());
        env.topic("t").partitions().values().forEach(p -> {
            assertTrue(!p.replicas().contains(3), "broker 3 is shutting down: " + p.replicas());
            Set<Integer> racks = new HashSet<>();
            p.replicas().forEach(r -> racks.add(r % 2));
            assertEquals(2, racks.size(), p.replicas().toString());
        });
    }
}
