package io.weir.metadata.raft.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftObserverTest {

    @TempDir
    Path dir;

    @Test
    void anObserverBehindTheLogStartGetsTheSnapshotThenFollowsTheLog() throws Exception {
        // The tail kept below a snapshot (100) exceeds the 50 entries of the second phase, so a snapshot
        // the leader takes then can never compact past the observer: it must follow from the log.
        try (TestQuorum q = new TestQuorum(dir, 3, Map.of(QuorumConfig.SNAPSHOT_INTERVAL_ENTRIES, "100",
                QuorumConfig.SNAPSHOT_RETAINED_ENTRIES, "100"))) {
            int leader = q.awaitLeader();
            // 300 values of 1 KiB: the snapshot spans several 64 KiB chunks.
            RaftQuorumTest.commit(q.runtime(leader), "early", 300, "v".repeat(1024));
            // The log start has moved past index 1, so a new observer cannot be served from the log.
            await().atMost(Duration.ofSeconds(10)).until(() -> q.runtime(leader).appliedIndex() >= 300);

            KvStateMachine observed = new KvStateMachine();
            try (RaftObserver observer = RaftObserver.start(q.observerConfig(100), observed)) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> observer.appliedIndex() >= q.runtime(leader).appliedIndex());
                assertEquals(1, observed.restores(), "installed the leader's snapshot once");
                assertEquals(q.machine(leader).contents(), observed.contents());

                RaftQuorumTest.commit(q.runtime(leader), "late", 50);
                long target = q.runtime(leader).appliedIndex();
                await().atMost(Duration.ofSeconds(20)).until(() -> observer.appliedIndex() >= target);
                assertEquals(1, observed.restores(), "followed new entries from the log, not by snapshot");
                assertEquals(350, observed.size());
                assertEquals(q.machine(leader).contents(), observed.contents());
                assertEquals(leader, observer.leaderId());
            }
        }
    }

    @Test
    void anObserverFollowsTheNewLeaderAfterTheOldOneIsKilled() throws Exception {
        try (TestQuorum q = new TestQuorum(dir, 3, Map.of())) {
            int leader = q.awaitLeader();
            KvStateMachine observed = new KvStateMachine();
            try (RaftObserver observer = RaftObserver.start(q.observerConfig(100), observed)) {
                RaftQuorumTest.commit(q.runtime(leader), "first", 20);
                await().atMost(Duration.ofSeconds(10)).until(() -> observed.size() == 20);

                q.kill(leader);
                int newLeader = q.awaitLeader();
                RaftQuorumTest.commit(q.runtime(newLeader), "second", 20);
                await().atMost(Duration.ofSeconds(20)).until(() -> observed.size() == 40);
                assertEquals(newLeader, observer.leaderId());
                assertTrue(observer.highWatermark() >= observer.appliedIndex());
                assertEquals(q.machine(newLeader).contents(), observed.contents());
            }
        }
    }
}
