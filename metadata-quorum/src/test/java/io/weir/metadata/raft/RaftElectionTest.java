package io.weir.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.raft.RaftMessage.VoteRequest;
import io.weir.metadata.raft.RaftMessage.VoteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftElectionTest {

    @Test
    void singleVoterElectsItselfAndCommitsNoop() {
        TestCluster c = new TestCluster(1, 0);
        c.campaign(1);
        assertEquals(Role.LEADER, c.node(1).role());
        assertEquals(1, c.node(1).term());
        assertEquals(1, c.node(1).commitIndex());
        assertEquals(Entry.Type.NOOP, c.applied.get(1).get(0).type());
    }

    @Test
    void threeVotersElectOneLeaderThatStartsItsTermWithNoop() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        assertEquals(Role.LEADER, c.node(1).role());
        for (int id = 1; id <= 3; id++) {
            assertEquals(1, c.node(id).term());
            assertEquals(1, c.node(id).leaderId());
            assertEquals(List.of(Entry.noop(1, 1)), c.applied.get(id), "node " + id);
        }
        assertEquals(Role.FOLLOWER, c.node(2).role());
        // PreVote first: the real vote used the incremented term only after a pre-vote majority.
        List<VoteRequest> requests = c.delivered.stream().filter(VoteRequest.class::isInstance)
                .map(VoteRequest.class::cast).toList();
        assertTrue(requests.get(0).preVote());
        assertTrue(requests.stream().anyMatch(r -> !r.preVote()));
        assertEquals(1, c.storages.get(2).hardState().term());
        assertEquals(1, c.storages.get(2).hardState().votedFor());
    }

    @Test
    void electionTimeoutsAreRandomisedPerSeed() {
        List<Integer> voters = List.of(1, 2, 3);
        int first = ticksToCampaign(RaftConfig.of(1, voters, List.of()).withRandomSeed(1));
        boolean differs = false;
        for (long seed = 2; seed < 20 && !differs; seed++) {
            int t = ticksToCampaign(RaftConfig.of(1, voters, List.of()).withRandomSeed(seed));
            assertTrue(t >= 10 && t < 20, "timeout " + t + " outside [10, 20)");
            differs = t != first;
        }
        assertTrue(differs, "every seed gave the same election timeout");
        assertEquals(first, ticksToCampaign(RaftConfig.of(1, voters, List.of()).withRandomSeed(1)));
    }

    private static int ticksToCampaign(RaftConfig config) {
        RaftNode n = new RaftNode(config, new MemoryRaftStorage());
        for (int t = 1; t <= 100; t++) {
            n.tick();
            if (n.role() != Role.FOLLOWER) {
                return t;
            }
        }
        throw new AssertionError("never campaigned");
    }

    @Test
    void preVoteKeepsAPartitionedVoterFromInflatingItsTermOrDisruptingTheLeader() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        c.isolate(3);
        c.tickAll(200);
        assertEquals(1, c.node(3).term(), "the isolated voter's term must not grow");
        assertEquals(Role.PRE_CANDIDATE, c.node(3).role());
        c.heal();
        c.tickAll(30);
        assertEquals(Role.LEADER, c.node(1).role());
        assertEquals(1, c.node(1).term());
        assertEquals(1, c.node(3).leaderId());
    }

    @Test
    void checkQuorumMakesALeaderCutOffFromTheMajorityStepDown() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        c.isolate(1);
        for (int t = 0; t < 9; t++) {
            c.node(1).tick();
        }
        assertEquals(Role.LEADER, c.node(1).role(), "steps down only after a full election timeout");
        c.node(1).tick();
        c.node(1).tick();
        assertEquals(Role.FOLLOWER, c.node(1).role());
        assertEquals(RaftNode.NO_LEADER, c.node(1).leaderId());
        assertInstanceOf(NotLeader.class, c.node(1).propose(List.of(new byte[] {1})));
    }

    @Test
    void observersDoNotKeepALeaderInOffice() {
        TestCluster c = new TestCluster(3, 2);
        c.campaign(1);
        c.isolate(2);
        c.isolate(3);
        c.tickAll(10);
        assertEquals(Role.FOLLOWER, c.node(1).role(), "two observers answering are no voter majority");
    }

    @Test
    void leaderHearingFromTheMajorityStaysLeader() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        c.tickAll(100);
        assertEquals(Role.LEADER, c.node(1).role());
        assertEquals(1, c.node(1).term());
    }

    @Test
    void voterInTheLeadersLeaseIgnoresAHigherTermVoteRequest() {
        TestCluster c = new TestCluster(3, 0);
        c.campaign(1);
        c.node(2).step(new VoteRequest(3, 2, 5, 100, 5, false));
        assertEquals(1, c.node(2).term());
        assertTrue(c.node(2).ready().messages().isEmpty());
    }

    @Test
    void voterGrantsOnlyToACandidateWhoseLogIsAtLeastAsUpToDate() {
        RaftConfig config = RaftConfig.of(2, List.of(1, 2, 3), List.of());
        assertFalse(vote(config, new VoteRequest(1, 2, 3, 5, 1, false)), "lower last term, longer log");
        assertFalse(vote(config, new VoteRequest(1, 2, 3, 1, 2, false)), "same last term, shorter log");
        assertTrue(vote(config, new VoteRequest(1, 2, 3, 2, 2, false)));
        assertTrue(vote(config, new VoteRequest(1, 2, 3, 1, 3, false)), "higher last term wins over length");
    }

    private static boolean vote(RaftConfig config, VoteRequest request) {
        RaftNode voter = new RaftNode(config, TestCluster.storageWith(2, 0, 1, 2));
        voter.step(request);
        Ready r = voter.ready();
        VoteResponse resp = (VoteResponse) r.messages().get(0);
        assertEquals(resp.granted(), r.hardState().map(hs -> hs.votedFor() == 1).orElse(false),
                "a granted vote is persisted in the same Ready");
        return resp.granted();
    }

    @Test
    void observerNeverCampaignsAndNeverVotes() {
        TestCluster c = new TestCluster(3, 1);
        RaftNode observer = c.node(4);
        assertEquals(Role.OBSERVER, observer.role());
        for (int t = 0; t < 200; t++) {
            observer.tick();
        }
        assertEquals(Role.OBSERVER, observer.role());
        assertEquals(0, observer.term());
        assertFalse(observer.hasReady(), "an observer sends nothing on its own");
        observer.step(new VoteRequest(1, 4, 1, 0, 0, false));
        VoteResponse resp = (VoteResponse) observer.ready().messages().get(0);
        assertFalse(resp.granted());
    }

    @Test
    void observerFollowsTheCommittedLogButNeverCountsForCommit() {
        TestCluster c = new TestCluster(3, 1);
        c.campaign(1);
        assertEquals(1, c.node(4).commitIndex());
        assertEquals(List.of(Entry.noop(1, 1)), c.applied.get(4));
        c.isolate(2);
        c.isolate(3);
        c.propose(1, "x");
        c.deliverAll();
        assertEquals(2, c.storages.get(4).lastIndex(), "the observer has the entry");
        assertEquals(1, c.node(1).commitIndex(), "leader plus observer is no majority of three voters");
        c.heal();
        c.tickAll(3);
        assertEquals(2, c.node(1).commitIndex());
        assertEquals(List.of("x"), c.appliedValues(4));
    }
}
