package io.weir.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.raft.RaftMessage.AppendRequest;
import io.weir.metadata.raft.RaftMessage.AppendResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RaftReplicationTest {

    private static final List<Integer> VOTERS = List.of(1, 2, 3);

    private static List<RaftConfig> configs() {
        return VOTERS.stream().map(id -> RaftConfig.of(id, VOTERS, List.of())).toList();
    }

    @Test
    void proposalsCommitAndApplyInOrderOnEveryNode() {
        TestCluster c = new TestCluster(3, 1);
        c.campaign(1);
        ProposeResult.Accepted r = (ProposeResult.Accepted) c.propose(1, "a", "b");
        assertEquals(new ProposeResult.Accepted(1, 2, 3), r);
        c.propose(1, "c");
        c.deliverAll();
        c.tickAll(2);
        for (int id = 1; id <= 4; id++) {
            assertEquals(List.of("a", "b", "c"), c.appliedValues(id), "node " + id);
        }
    }

    @Test
    void proposalToAFollowerOrObserverReturnsTheLeaderHint() {
        TestCluster c = new TestCluster(3, 1);
        assertEquals(new NotLeader(RaftNode.NO_LEADER), c.node(2).propose(List.of(new byte[1])));
        c.campaign(1);
        assertEquals(new NotLeader(1), c.node(2).propose(List.of(new byte[1])));
        assertEquals(new NotLeader(1), c.node(4).propose(List.of(new byte[1])));
    }

    @Test
    void leaderCommitsAnOldTermEntryOnlyThroughACurrentTermEntry() {
        // Node 1 holds entry 2 from term 2 that never committed; it now leads term 3 (Raft §5.4.2, Figure 8).
        Map<Integer, MemoryRaftStorage> storages = Map.of(
                1, TestCluster.storageWith(2, 1, 1, 2),
                2, TestCluster.storageWith(2, 1, 1),
                3, TestCluster.storageWith(2, 1, 1));
        TestCluster c = new TestCluster(configs(), storages);
        c.dropIf(m -> m instanceof AppendRequest);
        c.campaign(1);
        RaftNode leader = c.node(1);
        assertEquals(Role.LEADER, leader.role());
        assertEquals(3, leader.term());
        assertEquals(1, leader.commitIndex());

        leader.step(AppendResponse.accept(2, 1, 3, 2));
        assertEquals(1, leader.commitIndex(), "a majority holds the term-2 entry, but counting must not commit it");
        leader.step(AppendResponse.accept(2, 1, 3, 3));
        assertEquals(3, leader.commitIndex(), "the term-3 no-op commits, and entry 2 with it");
    }

    @Test
    void fastBackoffSkipsAWholeConflictingTermInOneRoundTrip() {
        long[] leaderLog = LongStream.concat(LongStream.generate(() -> 1).limit(10),
                LongStream.generate(() -> 3).limit(20)).toArray();
        long[] divergent = LongStream.concat(LongStream.generate(() -> 1).limit(10),
                LongStream.generate(() -> 2).limit(50)).toArray();
        Map<Integer, MemoryRaftStorage> storages = Map.of(
                1, TestCluster.storageWith(3, 10, leaderLog),
                2, TestCluster.storageWith(2, 10, divergent),
                3, TestCluster.storageWith(3, 10, leaderLog));
        TestCluster c = new TestCluster(configs(), storages);
        c.campaign(1);
        c.tickAll(2);

        long rejections = c.delivered.stream()
                .filter(m -> m instanceof AppendResponse r && !r.success() && r.from() == 2).count();
        assertEquals(1, rejections, "40 conflicting entries cost one rejected round trip, not one per entry");
        MemoryRaftStorage follower = c.storages.get(2);
        assertEquals(31, follower.lastIndex());
        for (long i = 1; i <= 31; i++) {
            assertEquals(c.storages.get(1).term(i), follower.term(i), "term at " + i);
        }
        assertEquals(31, c.node(2).commitIndex());
    }

    @Test
    void fastBackoffJumpsToTheEndOfAShortFollowerLog() {
        long[] leaderLog = LongStream.generate(() -> 1).limit(30).toArray();
        Map<Integer, MemoryRaftStorage> storages = Map.of(
                1, TestCluster.storageWith(1, 5, leaderLog),
                2, TestCluster.storageWith(1, 5, 1, 1, 1, 1, 1),
                3, TestCluster.storageWith(1, 5, leaderLog));
        TestCluster c = new TestCluster(configs(), storages);
        c.campaign(1);
        long rejections = c.delivered.stream()
                .filter(m -> m instanceof AppendResponse r && !r.success() && r.from() == 2).count();
        assertEquals(1, rejections);
        assertEquals(31, c.storages.get(2).lastIndex());
    }

    @Test
    void proposalsBetweenTwoReadysGoOutAsOneAppendPerFollower() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        c.tickAll(1);
        RaftNode leader = c.node(1);
        leader.propose(List.of(bytes("a")));
        leader.propose(List.of(bytes("b"), bytes("c")));
        Ready ready = leader.ready();
        assertEquals(3, ready.entries().size(), "all three entries are persisted together");
        List<AppendRequest> appends = ready.messages().stream()
                .filter(AppendRequest.class::isInstance).map(AppendRequest.class::cast).toList();
        assertEquals(2, appends.size());
        for (AppendRequest a : appends) {
            assertEquals(List.of("a", "b", "c"), a.entries().stream().map(TestCluster::text).toList());
        }
        leader.advance(ready);
    }

    @Test
    void appendsRespectTheEntryLimitAndPipeline() {
        List<RaftConfig> configs = VOTERS.stream()
                .map(id -> RaftConfig.of(id, VOTERS, List.of()).withAppendLimits(2, 1 << 20, 8)).toList();
        TestCluster c = new TestCluster(configs, Map.of());
        c.campaign(1);
        c.tickAll(1);
        RaftNode leader = c.node(1);
        leader.propose(List.of(bytes("a"), bytes("b"), bytes("c"), bytes("d"), bytes("e")));
        Ready ready = leader.ready();
        List<AppendRequest> toTwo = ready.messages().stream()
                .filter(m -> m instanceof AppendRequest a && a.to() == 2).map(AppendRequest.class::cast).toList();
        assertEquals(List.of(2, 2, 1), toTwo.stream().map(a -> a.entries().size()).toList(),
                "an in-sync follower gets the batch pipelined in chunks of at most two");
        leader.advance(ready);
    }

    @Test
    void committedEntriesAreHandedOutInBoundedReadys() {
        List<RaftConfig> configs = List.of(RaftConfig.of(1, List.of(1), List.of()).withAppendLimits(512, 100, 8));
        TestCluster c = new TestCluster(configs, Map.of());
        c.campaign(1);
        RaftNode leader = c.node(1);
        leader.propose(List.of(new byte[40], new byte[40], new byte[40], new byte[40]));
        List<Integer> perReady = new ArrayList<>();
        while (leader.hasReady() && perReady.size() < 10) {
            Ready r = leader.ready();
            c.storages.get(1).append(r.entries());
            r.hardState().ifPresent(c.storages.get(1)::setHardState);
            perReady.add(r.committedEntries().size());
            leader.advance(r);
        }
        assertEquals(List.of(2, 2), perReady, "64-byte entries reach the 100-byte bound two at a time");
        assertEquals(5, leader.commitIndex());
    }

    @Test
    void leaderThrottlesProposalsWhileTooManyBytesAreUncommitted() {
        List<RaftConfig> configs = VOTERS.stream()
                .map(id -> RaftConfig.of(id, VOTERS, List.of()).withMaxUncommittedBytes(100)).toList();
        TestCluster c = new TestCluster(configs, Map.of());
        c.campaign(1);
        c.isolate(2);
        c.isolate(3);
        assertInstanceOf(ProposeResult.Accepted.class, c.propose(1, "x".repeat(60)), "an empty backlog takes anything");
        assertEquals(new ProposeResult.Throttled(84), c.propose(1, "y".repeat(60)));
        c.heal();
        c.tickAll(2);
        assertEquals(List.of("x".repeat(60)), c.appliedValues(1));
        assertInstanceOf(ProposeResult.Accepted.class, c.propose(1, "y".repeat(60)), "the backlog committed");
    }

    @Test
    void lostAppendsAreResentAfterAHeartbeat() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        c.tickAll(1);
        c.dropIf(m -> m instanceof AppendRequest a && a.to() == 3);
        c.propose(1, "a");
        c.deliverAll();
        assertEquals(List.of(), c.appliedValues(3));
        c.heal();
        c.tickAll(3);
        assertEquals(List.of("a"), c.appliedValues(3));
    }

    @Test
    void restartedNodeKeepsTermVoteAndLog() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        c.propose(1, "a");
        c.deliverAll();
        RaftNode restarted = new RaftNode(RaftConfig.of(2, VOTERS, List.of()), c.storages.get(2));
        assertEquals(1, restarted.term());
        assertEquals(2, restarted.commitIndex());
        Ready r = restarted.ready();
        assertEquals(List.of("a"), r.committedEntries().stream()
                .filter(e -> e.type() == Entry.Type.NORMAL).map(TestCluster::text).toList(),
                "committed entries after the snapshot are re-applied");
        assertTrue(r.hardState().isEmpty(), "nothing changed, nothing to persist");
        restarted.advance(r);
        assertInstanceOf(NotLeader.class, restarted.propose(List.of(bytes("b"))));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
