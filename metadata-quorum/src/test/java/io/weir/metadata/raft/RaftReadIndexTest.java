package io.weir.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.raft.RaftMessage.AppendRequest;
import io.weir.metadata.raft.RaftMessage.HeartbeatRequest;
import io.weir.metadata.raft.RaftMessage.HeartbeatResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftReadIndexTest {

    @Test
    void readIsReleasedOnlyAfterAHeartbeatRoundConfirmsLeadership() {
        TestCluster c = new TestCluster(5, 1);
        c.campaign(1);
        c.propose(1, "a");
        c.deliverAll();
        long commit = c.node(1).commitIndex();
        assertEquals(2, commit);

        assertEquals(new ReadIndexResult.Pending(7), c.node(1).readIndex(7));
        c.process(1);
        List<RaftMessage> round = c.queued();
        assertEquals(5, round.size());
        assertTrue(round.stream().allMatch(m -> m instanceof HeartbeatRequest h && (h.readRound() > 0) == (h.to() != 6)),
                "voters are asked to confirm, the observer is not: " + round);
        for (int i = 0; i < 5; i++) {
            c.deliverOne(); // each heartbeat queues its answer
        }
        assertEquals(List.of(), c.reads.get(1), "no confirmation yet");
        RaftMessage answer = c.deliverOne();
        assertTrue(answer instanceof HeartbeatResponse h && h.from() == 2 && h.readRound() > 0);
        assertEquals(List.of(), c.reads.get(1), "the leader and one voter are not a majority of five");
        c.deliverOne();
        assertEquals(List.of(new ReadState(7, commit)), c.reads.get(1), "the leader and two voters are");
        c.deliverAll();
        assertEquals(1, c.reads.get(1).size(), "released exactly once");
    }

    @Test
    void readsBetweenTwoReadysShareOneHeartbeatRound() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        c.node(1).readIndex(1);
        c.node(1).readIndex(2);
        c.process(1);
        assertEquals(2, c.queued().stream().filter(m -> m instanceof HeartbeatRequest h && h.readRound() > 0).count(),
                "one heartbeat per follower for both reads");
        c.deliverAll();
        assertEquals(List.of(new ReadState(1, 1), new ReadState(2, 1)), c.reads.get(1));
    }

    @Test
    void readBeforeTheLeaderCommitsInItsTermWaitsForTheNoop() {
        TestCluster c = new TestCluster(3, 0);
        c.dropIf(m -> m instanceof AppendRequest);
        c.campaign(1);
        assertEquals(0, c.node(1).commitIndex());
        c.node(1).readIndex(5);
        c.process(1);
        assertTrue(c.queued().stream().noneMatch(m -> m instanceof HeartbeatRequest h && h.readRound() > 0));
        c.heal();
        c.tickAll(2);
        assertEquals(List.of(new ReadState(5, 1)), c.reads.get(1));
    }

    @Test
    void leaderCutOffFromTheMajorityNeverConfirmsARead() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        c.isolate(1);
        c.node(1).readIndex(9);
        c.tickAll(15);
        assertEquals(Role.FOLLOWER, c.node(1).role());
        c.heal();
        c.tickAll(15);
        assertEquals(List.of(), c.reads.get(1), "a read pending when leadership was lost is dropped");
    }

    @Test
    void singleVoterConfirmsAtOnce() {
        TestCluster c = new TestCluster(1, 0);
        c.campaign(1);
        c.node(1).readIndex(3);
        c.process(1);
        assertEquals(List.of(new ReadState(3, 1)), c.reads.get(1));
    }

    @Test
    void readOnAFollowerReturnsTheLeaderHint() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        assertEquals(new NotLeader(1), c.node(3).readIndex(1));
    }
}
