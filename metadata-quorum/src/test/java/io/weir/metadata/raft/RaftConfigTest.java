package io.weir.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RaftConfigTest {

    private static String rejection(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void quorumIsAStrictMajorityOfVoters() {
        assertEquals(1, RaftConfig.of(1, List.of(1), List.of()).quorum());
        assertEquals(2, RaftConfig.of(1, List.of(1, 2, 3), List.of(4, 5)).quorum());
        assertEquals(3, RaftConfig.of(1, List.of(1, 2, 3, 4), List.of()).quorum());
        assertTrue(RaftConfig.of(1, List.of(1, 2, 3), List.of(4)).isVoter());
        assertFalse(RaftConfig.of(4, List.of(1, 2, 3), List.of(4)).isVoter());
    }

    @Test
    void invalidConfigurationsNameTheProblem() {
        assertTrue(rejection(() -> RaftConfig.of(1, List.of(), List.of())).contains("voters must not be empty"));
        assertTrue(rejection(() -> RaftConfig.of(9, List.of(1, 2), List.of())).contains("nodeId 9"));
        assertTrue(rejection(() -> RaftConfig.of(1, List.of(1, 2), List.of(2))).contains("both voters and observers"));
        assertTrue(rejection(() -> RaftConfig.of(1, List.of(2, 1), List.of())).contains("ascending"));
        assertTrue(rejection(() -> RaftConfig.of(1, List.of(1), List.of()).withTimeouts(10, 10))
                .contains("heartbeatTicks"));
        assertTrue(rejection(() -> RaftConfig.of(1, List.of(1), List.of()).withSnapshotChunkBytes(0))
                .contains("snapshotChunkBytes"));
    }

    @Test
    void messagesFromOutsideTheMembershipAreRejected() {
        RaftNode n = new RaftNode(RaftConfig.of(1, List.of(1, 2, 3), List.of()), new MemoryRaftStorage());
        assertTrue(rejection(() -> n.step(new RaftMessage.HeartbeatRequest(7, 1, 1, 0, 0))).contains("node 7"));
        assertTrue(rejection(() -> n.step(new RaftMessage.HeartbeatRequest(2, 3, 1, 0, 0))).contains("delivered to node 1"));
    }
}
