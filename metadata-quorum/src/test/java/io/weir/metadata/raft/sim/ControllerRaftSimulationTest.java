package io.weir.metadata.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * The controller driven through the simulated Raft cluster ({@link ControllerRaftSimulation}).
 * {@code -Dweir.sim.seeds=N} runs seeds 1..N (the build's default is 500); a failure names its seed, and
 * {@code -Dweir.sim.seed=S} replays exactly that one.
 */
class ControllerRaftSimulationTest {

    private static final int ROUNDS = 4;
    private static final int CHAOS_TICKS = 1000;

    @Test
    void manySeeds() {
        assumeTrue(System.getProperty("weir.sim.seed") == null, "replaying a single seed");
        int seeds = Integer.getInteger("weir.sim.seeds", 500);
        ControllerRaftSimulation.Coverage coverage = new ControllerRaftSimulation.Coverage();
        long ticks = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            ticks += runSeed(seed, coverage).ticks();
        }
        System.out.printf("controller raft simulation: %d seeds, %d ticks, %s%n", seeds, ticks, coverage);
        // The transitions the invariants are about must happen, or the run proves little.
        assertTrue(coverage.activations > seeds, coverage.toString());
        assertTrue(coverage.fencings > 0, coverage.toString());
        assertTrue(coverage.unfencings > 0, coverage.toString());
        assertTrue(coverage.leaderChanges > 0, coverage.toString());
        assertTrue(coverage.snapshotsInstalled > 0, coverage.toString());
        assertTrue(coverage.brokerRestarts > 0, coverage.toString());
        assertTrue(coverage.requestsRefusedNotController > 0, coverage.toString());
        assertTrue(coverage.imagesCompared > 0, coverage.toString());
    }

    @Test
    void sameSeedReplaysExactly() {
        ControllerRaftSimulation a = runSeed(42, new ControllerRaftSimulation.Coverage());
        ControllerRaftSimulation b = runSeed(42, new ControllerRaftSimulation.Coverage());
        assertEquals(a.ticks(), b.ticks());
        assertEquals(a.firstNodeImage(), b.firstNodeImage());
        assertTrue(a.firstNodeImage().offset() > 0);
    }

    @Test
    void replaySeed() {
        String seed = System.getProperty("weir.sim.seed");
        assumeTrue(seed != null, "set -Dweir.sim.seed=S to replay one seed");
        runSeed(Long.parseLong(seed), new ControllerRaftSimulation.Coverage());
    }

    private static ControllerRaftSimulation runSeed(long seed, ControllerRaftSimulation.Coverage coverage) {
        ControllerRaftSimulation sim = new ControllerRaftSimulation(seed, coverage);
        try {
            sim.run(ROUNDS, CHAOS_TICKS);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("controller simulation failed for seed " + seed + " (" + sim.voterCount
                    + " voters) at tick " + sim.ticks() + ": " + e
                    + "\nreplay with -Dweir.sim.seed=" + seed, e);
        }
        return sim;
    }
}
