package io.weir.metadata.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Seeded simulation of the Raft core. {@code -Dweir.sim.seeds=N} runs seeds 1..N (the build's default is
 * 500); a failure names its seed, and {@code -Dweir.sim.seed=S} replays exactly that one
 * ({@code -Dweir.sim.trace=true} adds the last events to the failure).
 */
class RaftSimulationTest {

    private static final int ROUNDS = 4;
    private static final int CHAOS_TICKS = 800;

    @Test
    void manySeeds() {
        assumeTrue(System.getProperty("weir.sim.seed") == null, "replaying a single seed");
        int seeds = Integer.getInteger("weir.sim.seeds", 500);
        long snapshots = 0;
        long ticks = 0;
        long messages = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            SimulatedCluster cluster = runSeed(seed);
            snapshots += cluster.snapshotsInstalled();
            ticks += cluster.ticks();
            messages += cluster.messagesSent();
        }
        System.out.printf("raft simulation: %d seeds, %d ticks, %d messages, %d snapshots installed%n",
                seeds, ticks, messages, snapshots);
        assertTrue(snapshots > 0, "no seed exercised snapshot transfer");
    }

    @Test
    void replaySeed() {
        String seed = System.getProperty("weir.sim.seed");
        assumeTrue(seed != null, "set -Dweir.sim.seed=S to replay one seed");
        runSeed(Long.parseLong(seed));
    }

    @Test
    void sameSeedReplaysExactly() {
        SimulatedCluster a = runSeed(42);
        SimulatedCluster b = runSeed(42);
        assertEquals(a.digest(), b.digest());
        assertEquals(a.messagesSent(), b.messagesSent());
        assertEquals(a.ticks(), b.ticks());
    }

    private static SimulatedCluster runSeed(long seed) {
        SimulatedCluster cluster = new SimulatedCluster(seed);
        try {
            cluster.run(ROUNDS, CHAOS_TICKS);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("simulation failed for seed " + seed + " (" + cluster.voterCount
                    + " voters, " + cluster.observerCount + " observers) at tick " + cluster.ticks() + ": " + e
                    + "\nreplay with -Dweir.sim.seed=" + seed + " (add -Dweir.sim.trace=true for events)"
                    + (cluster.trace().isEmpty() ? "" : "\n" + cluster.trace()), e);
        }
        return cluster;
    }
}
