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
        TestCluster c = new TestCluster(3, 1);
        c.campaign(1);
        c.propose(1, "a");
        c.deliverAll();
        long commit = c.node(1).commitIndex();
        assertEquals(2, commit);

        assertEquals(new ReadIndexResult.Pending(7), c.node(1).readIndex(7));
        c.process(1);
        List<RaftMessage> round = c.queued();
        assertTrue(round.stream().allMatch(m -> m instanceof HeartbeatRequest h && (h.readRound() > 0) == (h.to() != 4)),
                "voters are asked to confirm, the observer is not: " + round);
        c.deliverOne(); // heartbeat to node 2, whose answer is now queued
        assertEquals(List.of(), c.reads.get(1), "no confirmation yet");
        c.deliverOne(); // heartbeat to node 3
        c.deliverOne(); // heartbeat to observer 4
        RaftMessage answer = c.deliverOne();
        assertTrue(answer instanceof HeartbeatResponse h && h.readRound() > 0);
        assertEquals(List.of(new ReadState(7, commit)), c.reads.get(1), "leader plus one voter is a majority");
        c.deliverAll();
        assertEquals(1, c.reads.get(1).size(), "released exactly once");
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
