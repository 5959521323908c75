package io.weir.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weir.metadata.raft.QuorumStatus.Replica;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftStatusTest {

    @Test
    void leaderReportsEveryVoterAndObserverWithMatchLagAndLastContact() {
        TestCluster c = new TestCluster(3, 1);
        c.campaign(1);
        c.tickAll(1);
        c.isolate(3);
        c.propose(1, "a", "b");
        c.deliverAll();
        c.tickAll(4);

        QuorumStatus s = c.node(1).status();
        long now = s.nowTick();
        assertEquals(Role.LEADER, s.role());
        assertEquals(1, s.leaderId());
        assertEquals(1, s.term());
        assertEquals(3, s.commitIndex());
        assertEquals(3, s.lastIndex());
        List<Replica> replicas = s.replicas();
        assertEquals(List.of(1, 2, 3, 4), replicas.stream().map(Replica::nodeId).toList());
        assertEquals(List.of(true, true, true, false), replicas.stream().map(Replica::voter).toList());
        assertEquals(new Replica(1, true, 3, 0, now), replicas.get(0));
        assertEquals(new Replica(2, true, 3, 0, now), replicas.get(1));
        Replica cutOff = replicas.get(2);
        assertEquals(1, cutOff.matchIndex());
        assertEquals(2, cutOff.lag());
        assertEquals(now - 4, cutOff.lastContactTick(), "last heard in the tick before the cut");
        assertEquals(new Replica(4, false, 3, 0, now), replicas.get(3));
    }

    @Test
    void followerReportsTheLeaderAndCommitIndexOnly() {
        TestCluster c = new TestCluster(3, 1);
        c.campaign(1);
        c.tickAll(1);
        QuorumStatus s = c.node(4).status();
        assertEquals(Role.OBSERVER, s.role());
        assertEquals(1, s.leaderId());
        assertEquals(1, s.commitIndex());
        assertEquals(List.of(), s.replicas());
    }

    @Test
    void sameInputsGiveTheSameOutputs() {
        assertEquals(scriptedRun(), scriptedRun());
    }

    private static List<RaftMessage> scriptedRun() {
        TestCluster c = new TestCluster(5, 2);
        c.tickAll(25);
        c.isolate(c.nodes.values().stream().filter(n -> n.role() == Role.LEADER).findFirst().orElseThrow().nodeId());
        c.tickAll(30);
        c.heal();
        c.tickAll(10);
        for (RaftNode n : c.nodes.values()) {
            if (n.role() == Role.LEADER) {
                c.propose(n.nodeId(), "x", "y");
            }
        }
        c.tickAll(5);
        return c.delivered;
    }
}
