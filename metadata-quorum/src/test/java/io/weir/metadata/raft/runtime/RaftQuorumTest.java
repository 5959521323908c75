package io.weir.metadata.raft.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.raft.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftQuorumTest {

    @TempDir
    Path dir;

    @Test
    void threeVotersElectALeaderAndCommitTenThousandProposals() throws Exception {
        try (TestQuorum q = new TestQuorum(dir, 3, Map.of())) {
            int leader = q.awaitLeader();
            RaftRuntime r = q.runtime(leader);
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                futures.add(r.propose(KvStateMachine.set("k" + i, "v" + i)));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long last = 0;
            for (CompletableFuture<Long> f : futures) {
                assertTrue(f.get() > last, "indexes increase in proposal order");
                last = f.get();
            }
            long committed = last;
            for (int id : q.live()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> q.runtime(id).appliedIndex() >= committed);
                assertEquals(10_000, q.machine(id).size(), "node " + id);
                assertEquals("v9999", q.machine(id).get("k9999"));
            }
            assertEquals(q.machine(1).contents(), q.machine(2).contents());
            assertEquals(q.machine(1).contents(), q.machine(3).contents());
        }
    }

    @Test
    void aKilledLeaderIsReplacedWithoutLosingCommittedEntriesAndCatchesUpAfterRestart() throws Exception {
        // Small snapshot interval: the restart then goes through snapshot restore and compaction too.
        try (TestQuorum q = new TestQuorum(dir, 3, Map.of(QuorumConfig.SNAPSHOT_INTERVAL_ENTRIES, "150",
                QuorumConfig.SNAPSHOT_RETAINED_ENTRIES, "20"))) {
            int oldLeader = q.awaitLeader();
            List<String> acked = commit(q.runtime(oldLeader), "before", 400);

            q.kill(oldLeader);
            int newLeader = q.awaitLeader();
            assertNotEquals(oldLeader, newLeader);
            // The new leader applies what it knows to be committed once its own no-op commits.
            await().atMost(Duration.ofSeconds(20)).until(() -> q.machine(newLeader).size() >= acked.size());
            for (String key : acked) {
                assertEquals("x", q.machine(newLeader).get(key), "acknowledged " + key + " lost");
            }
            List<String> later = commit(q.runtime(newLeader), "after", 400);

            q.restart(oldLeader);
            long target = q.runtime(newLeader).commitIndex();
            await().atMost(Duration.ofSeconds(20)).until(() -> q.runtime(oldLeader).appliedIndex() >= target);
            Map<String, String> restarted = q.machine(oldLeader).contents();
            assertEquals(acked.size() + later.size(), restarted.size());
            assertEquals(q.machine(newLeader).contents(), restarted);
            assertEquals(newLeader, q.runtime(oldLeader).leaderId());
        }
    }

    @Test
    void everyAcknowledgedEntrySurvivesARestartOfTheWholeQuorum() throws Exception {
        try (TestQuorum q = new TestQuorum(dir, 3, Map.of(QuorumConfig.SNAPSHOT_INTERVAL_ENTRIES, "100",
                QuorumConfig.SNAPSHOT_RETAINED_ENTRIES, "10"))) {
            int leader = q.awaitLeader();
            List<String> acked = commit(q.runtime(leader), "k", 250);
            for (int id : q.live()) {
                q.kill(id);
            }
            for (int id = 1; id <= 3; id++) {
                q.restart(id);
            }
            int newLeader = q.awaitLeader();
            commit(q.runtime(newLeader), "after-restart", 1);
            for (int id : q.live()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> q.machine(id).size() == acked.size() + 1);
                for (String key : acked) {
                    assertEquals("x", q.machine(id).get(key), "node " + id + " lost acknowledged " + key);
                }
            }
        }
    }

    @Test
    void fiveVotersCommitWithTwoDownAndCommitNothingWithThreeDown() throws Exception {
        try (TestQuorum q = new TestQuorum(dir, 5, Map.of())) {
            int leader = q.awaitLeader();
            commit(q.runtime(leader), "all-up", 50);
            List<Integer> followers = q.live().stream().filter(id -> id != leader).toList();

            q.kill(followers.get(0));
            q.kill(followers.get(1));
            assertEquals(leader, q.awaitLeader());
            commit(q.runtime(leader), "two-down", 50);
            assertEquals(100, q.machine(leader).size());

            q.kill(followers.get(2));
            CompletableFuture<Long> proposal = q.runtime(leader).propose(KvStateMachine.set("three-down", "x"));
            Map<Integer, Long> commitBefore = new TreeMap<>();
            for (int id : q.live()) {
                commitBefore.put(id, q.runtime(id).commitIndex());
            }
            // Two of five cannot commit: over several election timeouts neither commit index moves and the
            // proposal never succeeds (the leader steps down through CheckQuorum).
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() ->
                    q.live().stream().allMatch(id -> q.runtime(id).commitIndex() == commitBefore.get(id))
                            && !(proposal.isDone() && !proposal.isCompletedExceptionally()));
            await().atMost(Duration.ofSeconds(5)).until(() -> q.runtime(leader).role() != Role.LEADER);
            assertNull(q.machine(leader).get("three-down"));
        }
    }

    @Test
    void readIndexOnTheLeaderCoversEveryAcknowledgedWriteAndAFollowerRefuses() throws Exception {
        try (TestQuorum q = new TestQuorum(dir, 3, Map.of())) {
            int leader = q.awaitLeader();
            commit(q.runtime(leader), "w", 20);
            long lastAcked = q.runtime(leader).propose(KvStateMachine.set("last", "y")).get(10, TimeUnit.SECONDS);

            long readIndex = q.runtime(leader).readIndex().get(10, TimeUnit.SECONDS);
            assertTrue(readIndex >= lastAcked, "read index " + readIndex + " below acknowledged " + lastAcked);
            assertTrue(q.runtime(leader).appliedIndex() >= readIndex);
            assertEquals("y", q.machine(leader).get("last"));

            int follower = q.live().stream().filter(id -> id != leader).findFirst().orElseThrow();
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> q.runtime(follower).readIndex().get(10, TimeUnit.SECONDS));
            NotLeaderException nle = assertInstanceOf(NotLeaderException.class, refused.getCause());
            assertEquals(leader, nle.leaderId());
        }
    }

    /** Proposes n entries "prefix-i=value" through {@code leader}, waits for all, returns the keys. */
    static List<String> commit(RaftRuntime leader, String prefix, int n) throws Exception {
        return commit(leader, prefix, n, "x");
    }

    static List<String> commit(RaftRuntime leader, String prefix, int n, String value) throws Exception {
        List<String> keys = new ArrayList<>();
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = prefix + "-" + i;
            keys.add(key);
            futures.add(leader.propose(KvStateMachine.set(key, value)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        return keys;
    }
}
