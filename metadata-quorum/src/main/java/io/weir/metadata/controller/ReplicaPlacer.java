package io.weir.metadata.controller;

import io.weir.metadata.image.BrokerRegistration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chooses replicas for new partitions: a partition's replicas go to distinct
 * racks first and distinct brokers always, and preferred leaders (first
 * replicas) go to the brokers that prefer-lead the fewest partitions, so
 * leadership stays even across the cluster. No randomness: the same brokers
 * and counts give the same placement; the topic name only picks where ties
 * start, so topics of one size do not all start on the same broker.
 */
public final class ReplicaPlacer {
    private ReplicaPlacer() {
    }

    /**
     * @param brokers             usable brokers (caller checked there are at least {@code replicationFactor})
     * @param preferredLeaderCount partitions each broker already prefer-leads; not modified
     * @return one replica list per new partition, preferred leader first
     */
    public static List<List<Integer>> place(String topicName, int startPartition, int numPartitions,
                                            int replicationFactor, List<BrokerRegistration> brokers,
                                            Map<Integer, Integer> preferredLeaderCount) {
        if (replicationFactor > brokers.size()) {
            throw new IllegalArgumentException("replication factor " + replicationFactor
                    + " larger than the " + brokers.size() + " usable brokers");
        }
        List<BrokerRegistration> ring = rackAlternatingOrder(brokers);
        int n = ring.size();
        Map<Integer, Integer> leaders = new HashMap<>();
        for (BrokerRegistration b : ring) {
            leaders.put(b.id(), preferredLeaderCount.getOrDefault(b.id(), 0));
        }
        int tieStart = Math.floorMod(topicName.hashCode(), n);
        List<List<Integer>> out = new ArrayList<>(numPartitions);
        for (int k = 0; k < numPartitions; k++) {
            int partition = startPartition + k;
            int leaderPos = leastLoaded(ring, leaders, (int) ((tieStart + (long) partition) % n));
            leaders.merge(ring.get(leaderPos).id(), 1, Integer::sum);
            // Shifting where followers start varies follower sets across partitions, as Kafka's placement does.
            int shift = n > 1 ? 1 + (partition / n) % (n - 1) : 0;
            out.add(chooseReplicas(ring, leaderPos, shift, replicationFactor));
        }
        return out;
    }

    /** Brokers ordered so that neighbours are on different racks where possible: rack by rack, in turns. */
    static List<BrokerRegistration> rackAlternatingOrder(List<BrokerRegistration> brokers) {
        Map<String, List<BrokerRegistration>> byRack = new TreeMap<>();
        for (BrokerRegistration b : brokers) {
            byRack.computeIfAbsent(rackKey(b), r -> new ArrayList<>()).add(b);
        }
        byRack.values().forEach(l -> l.sort((x, y) -> Integer.compare(x.id(), y.id())));
        List<BrokerRegistration> ring = new ArrayList<>(brokers.size());
        for (int i = 0; ring.size() < brokers.size(); i++) {
            for (List<BrokerRegistration> rack : byRack.values()) {
                if (i < rack.size()) {
                    ring.add(rack.get(i));
                }
            }
        }
        return ring;
    }

    private static int leastLoaded(List<BrokerRegistration> ring, Map<Integer, Integer> leaders, int start) {
        int best = -1;
        int bestCount = Integer.MAX_VALUE;
        for (int j = 0; j < ring.size(); j++) {
            int pos = (start + j) % ring.size();
            int count = leaders.get(ring.get(pos).id());
            if (count < bestCount) {
                best = pos;
                bestCount = count;
            }
        }
        return best;
    }

    private static List<Integer> chooseReplicas(List<BrokerRegistration> ring, int leaderPos, int shift, int rf) {
        int n = ring.size();
        BrokerRegistration leader = ring.get(leaderPos);
        List<Integer> replicas = new ArrayList<>(rf);
        Set<String> racks = new HashSet<>();
        replicas.add(leader.id());
        racks.add(rackKey(leader));
        List<BrokerRegistration> candidates = new ArrayList<>(n - 1);
        for (int j = 0; j < n; j++) {
            int pos = (leaderPos + shift + j) % n;
            if (pos != leaderPos) {
                candidates.add(ring.get(pos));
            }
        }
        for (BrokerRegistration c : candidates) {
            if (replicas.size() < rf && !racks.contains(rackKey(c))) {
                racks.add(rackKey(c));
                replicas.add(c.id());
            }
        }
        for (BrokerRegistration c : candidates) {
            if (replicas.size() < rf && !replicas.contains(c.id())) {
                replicas.add(c.id());
            }
        }
        return replicas;
    }

    /** A broker without a rack counts as a rack of its own, so rack-less clusters still spread. */
    private static String rackKey(BrokerRegistration b) {
        return b.rack().map(r -> "r:" + r).orElse("b:" + b.id());
    }
}
