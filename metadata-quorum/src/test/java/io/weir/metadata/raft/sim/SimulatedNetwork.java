package io.weir.metadata.raft.sim;

import io.weir.metadata.raft.RaftMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A seeded in-memory network: drops, delays (in ticks), duplicates and reorders messages, and cuts links,
 * one way or both. Owned by the simulation thread.
 */
final class SimulatedNetwork {

    private final SplittableRandom random;
    private final int maxNodeId;
    // blocked[from][to]: messages from -> to are lost.
    private final boolean[][] blocked;
    private final TreeMap<Long, List<RaftMessage>> inFlight = new TreeMap<>();
    private double dropRate;
    private double duplicateRate;
    private int maxDelay;
    private long sent;

    SimulatedNetwork(SplittableRandom random, int maxNodeId) {
        this.random = random;
        this.maxNodeId = maxNodeId;
        this.blocked = new boolean[maxNodeId + 1][maxNodeId + 1];
    }

    void setFaults(double dropRate, double duplicateRate, int maxDelay) {
        this.dropRate = dropRate;
        this.duplicateRate = duplicateRate;
        this.maxDelay = maxDelay;
    }

    void send(RaftMessage m, long now) {
        sent++;
        if (blocked[m.from()][m.to()] || random.nextDouble() < dropRate) {
            return;
        }
        enqueue(m, now);
        if (random.nextDouble() < duplicateRate) {
            enqueue(m, now);
        }
    }

    private void enqueue(RaftMessage m, long now) {
        long at = now + 1 + (maxDelay == 0 ? 0 : random.nextInt(maxDelay + 1));
        inFlight.computeIfAbsent(at, k -> new ArrayList<>()).add(m);
    }

    /** Messages due by {@code now} whose link is still up, in random order. */
    List<RaftMessage> deliver(long now) {
        List<RaftMessage> due = new ArrayList<>();
        while (!inFlight.isEmpty() && inFlight.firstKey() <= now) {
            for (RaftMessage m : inFlight.pollFirstEntry().getValue()) {
                if (!blocked[m.from()][m.to()]) {
                    due.add(m);
                }
            }
        }
        for (int i = due.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            RaftMessage t = due.get(i);
            due.set(i, due.get(j));
            due.set(j, t);
        }
        return due;
    }

    void cut(int from, int to) {
        blocked[from][to] = true;
    }

    void isolate(int id) {
        for (int other = 0; other <= maxNodeId; other++) {
            if (other != id) {
                blocked[id][other] = true;
                blocked[other][id] = true;
            }
        }
    }

    /** Cuts every link between the two sides. */
    void partition(List<Integer> side) {
        for (int a = 0; a <= maxNodeId; a++) {
            for (int b = 0; b <= maxNodeId; b++) {
                if (side.contains(a) != side.contains(b)) {
                    blocked[a][b] = true;
                }
            }
        }
    }

    void heal() {
        for (boolean[] row : blocked) {
            java.util.Arrays.fill(row, false);
        }
    }

    long sentCount() {
        return sent;
    }
}
