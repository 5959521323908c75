package io.weir.metadata.raft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.raft.RaftConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuorumConfigTest {

    private static Map<String, String> props(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("node.id", "1");
        m.put("controller.quorum.voters", "1@ctl-0.weir:9093,2@ctl-1.weir:9093,3@10.0.0.3:9094");
        m.put("log.dirs", "/data/a,/data/b");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void parsesKafkaSyntaxAndAppliesKraftLikeDefaults() {
        QuorumConfig c = QuorumConfig.fromProperties(props());
        assertEquals(1, c.nodeId());
        assertEquals(List.of(1, 2, 3), List.copyOf(c.voters().keySet()));
        assertEquals(new Endpoint("ctl-1.weir", 9093), c.voters().get(2));
        assertEquals(new Endpoint("10.0.0.3", 9094), c.voters().get(3));
        assertEquals(1000, c.electionTimeoutMs());
        assertEquals(2000, c.fetchTimeoutMs());
        assertEquals(2000, c.requestTimeoutMs());
        assertEquals(Path.of("/data/a"), c.metadataLogDir());
        assertTrue(c.isVoter());

        RaftConfig raft = c.raftConfig(7);
        assertEquals(20, raft.electionTimeoutTicks()); // 1000 ms of 50 ms ticks
        assertEquals(2, raft.heartbeatTicks());
        assertEquals(List.of(1, 2, 3), raft.voters());
        assertEquals(List.of(), raft.observers());
    }

    @Test
    void timingsAreConfigurable() {
        QuorumConfig c = QuorumConfig.fromProperties(props(
                "controller.quorum.tick.ms", "10", "controller.quorum.election.timeout.ms", "300",
                "controller.quorum.heartbeat.interval.ms", "30", "metadata.log.dir", "/meta"));
        assertEquals(30, c.electionTimeoutTicks());
        assertEquals(3, c.heartbeatTicks());
        assertEquals(Path.of("/meta"), c.metadataLogDir());
    }

    @Test
    void anObserverNeedsNoLogDirAndIsNoVoter() {
        Map<String, String> p = props("node.id", "100");
        p.remove("log.dirs");
        QuorumConfig c = QuorumConfig.fromProperties(p);
        assertFalse(c.isVoter());
        assertNull(c.metadataLogDir());
        assertThrows(IllegalStateException.class, () -> c.raftConfig(1));
    }

    @Test
    void ipv6HostsInBrackets() {
        assertEquals(new Endpoint("::1", 9093), QuorumConfig.parseVoters("1@[::1]:9093").get(1));
    }

    @Test
    void badVotersNameTheKeyAndTheBadPart() {
        assertMessage(props("controller.quorum.voters", "1@a:9093,2-b:9093"),
                "controller.quorum.voters", "'2-b:9093' is not of the form id@host:port");
        assertMessage(props("controller.quorum.voters", "1@a:9093,x@b:9093"),
                "controller.quorum.voters", "'x@b:9093' does not have a numeric id and port");
        assertMessage(props("controller.quorum.voters", "1@a:99999"),
                "controller.quorum.voters", "'1@a:99999' has a port outside");
        assertMessage(props("controller.quorum.voters", "1@a:9093,1@b:9093"),
                "controller.quorum.voters", "voter id 1 appears more than once");
        assertMessage(props("controller.quorum.voters", "1@a:9093,"),
                "controller.quorum.voters", "'' is not of the form id@host:port");
        assertMessage(props("controller.quorum.voters", "1@:9093"),
                "controller.quorum.voters", "'1@:9093' is not of the form");
    }

    @Test
    void badNumbersAndMissingKeysAreNamed() {
        assertMessage(props("controller.quorum.election.timeout.ms", "soon"),
                "controller.quorum.election.timeout.ms", "not a number");
        assertMessage(props("controller.quorum.fetch.timeout.ms", "0"),
                "controller.quorum.fetch.timeout.ms", "must be in [1,");
        assertMessage(props("node.id", "-3"), "node.id", "must be in [0,");
        assertMessage(props("controller.quorum.heartbeat.interval.ms", "1000"),
                "controller.quorum.heartbeat.interval.ms", "must be below controller.quorum.election.timeout.ms");
        assertMessage(props("controller.quorum.tick.ms", "600"),
                "controller.quorum.election.timeout.ms", "at least two ticks");

        Map<String, String> noVoters = props();
        noVoters.remove("controller.quorum.voters");
        assertMessage(noVoters, "controller.quorum.voters", "Missing required configuration");
        Map<String, String> noDir = props();
        noDir.remove("log.dirs");
        assertMessage(noDir, "metadata.log.dir", "voter 1 needs a directory");
    }

    private static void assertMessage(Map<String, String> props, String key, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuorumConfig.fromProperties(props));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(fragment), e.getMessage());
    }
}
