package io.weir.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.raft.RaftMessage.InstallSnapshotRequest;
import io.weir.metadata.raft.RaftMessage.InstallSnapshotResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RaftSnapshotTest {

    private static final List<Integer> VOTERS = List.of(1, 2, 3);
    private static final List<Integer> OBSERVERS = List.of(4);

    private static TestCluster clusterWithChunks(int chunkBytes) {
        List<RaftConfig> configs = new ArrayList<>();
        for (int id = 1; id <= 4; id++) {
            configs.add(RaftConfig.of(id, VOTERS, OBSERVERS).withSnapshotChunkBytes(chunkBytes));
        }
        return new TestCluster(configs, Map.of());
    }

    /** Commits 20 entries while nodes 3 and 4 are cut off, then snapshots and compacts the leader's log. */
    private static Snapshot commitAndCompactWhileCutOff(TestCluster c) {
        c.campaign(1);
        c.isolate(3);
        c.isolate(4);
        for (int i = 0; i < 20; i++) {
            c.propose(1, "value-" + i);
        }
        c.deliverAll();
        c.tickAll(1);
        long applied = c.applied.get(1).get(c.applied.get(1).size() - 1).index();
        assertEquals(21, applied);
        byte[] state = String.join(",", c.appliedValues(1)).getBytes(StandardCharsets.UTF_8);
        MemoryRaftStorage leaderStorage = c.storages.get(1);
        Snapshot snapshot = leaderStorage.createSnapshot(applied, VOTERS, state);
        leaderStorage.compact(applied);
        assertEquals(22, leaderStorage.firstIndex());
        return snapshot;
    }

    @Test
    void laggingFollowerAndNewObserverReceiveTheSnapshotInChunksThenTheLog() {
        TestCluster c = clusterWithChunks(16);
        Snapshot snapshot = commitAndCompactWhileCutOff(c);
        c.heal();
        c.tickAll(3);
        c.propose(1, "after");
        c.deliverAll();
        c.tickAll(2);

        for (int id : List.of(3, 4)) {
            assertEquals(List.of(snapshot), c.installed.get(id), "node " + id);
            assertEquals(snapshot.index(), c.storages.get(id).snapshot().index());
            assertEquals(List.of("after"), c.appliedValues(id), "only entries after the snapshot are applied");
            int target = id;
            long chunks = c.delivered.stream()
                    .filter(m -> m instanceof InstallSnapshotRequest r && r.to() == target).count();
            long expected = (snapshot.data().length + 15) / 16;
            assertTrue(expected > 3);
            assertEquals(expected, chunks, "one request per 16-byte chunk for node " + id);
        }
        assertEquals(c.node(1).commitIndex(), c.node(4).commitIndex());
    }

    @Test
    void lostChunkIsResentAndTheTransferCompletes() {
        TestCluster c = clusterWithChunks(16);
        Snapshot snapshot = commitAndCompactWhileCutOff(c);
        c.heal();
        boolean[] dropped = {false};
        c.dropIf(m -> {
            if (!dropped[0] && m instanceof InstallSnapshotRequest r && r.to() == 3 && r.offset() == 32) {
                dropped[0] = true;
                return true;
            }
            return false;
        });
        c.tickAll(20);
        assertTrue(dropped[0]);
        assertEquals(1, c.installed.get(3).size());
        assertArrayEquals(snapshot.data(), c.installed.get(3).get(0).data());
        assertEquals(c.node(1).commitIndex(), c.node(3).commitIndex());
    }

    @Test
    void snapshotCoveredByTheCommittedLogIsNotInstalled() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        c.propose(1, "a");
        c.deliverAll();
        c.tickAll(1);
        RaftNode follower = c.node(2);
        follower.step(new InstallSnapshotRequest(1, 2, 1, 2, 1, VOTERS, 0, new byte[] {1}, true));
        Ready r = follower.ready();
        assertTrue(r.snapshot().isEmpty());
        assertEquals(List.of(new InstallSnapshotResponse(2, 1, 1, 2, 0, true, 2)), r.messages());
        follower.advance(r);
    }
}
