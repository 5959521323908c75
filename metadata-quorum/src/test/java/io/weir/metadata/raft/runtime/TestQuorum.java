package io.weir.metadata.raft.runtime;

import static org.awaitility.Awaitility.await;

import io.weir.metadata.raft.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * N voters over real gRPC on 127.0.0.1: listeners are bound on port 0 first, then the voters' map is built
 * from the bound ports. Voters can be killed (runtime, listener and storage closed) and restarted from disk
 * on the same port. Used by the test thread only.
 */
final class TestQuorum implements AutoCloseable {

    /** Short timings so the suite stays fast: 10 ms ticks, elections after 250-500 ms. */
    static Map<String, String> fastTimings() {
        Map<String, String> p = new HashMap<>();
        p.put(QuorumConfig.TICK_MS, "10");
        p.put(QuorumConfig.ELECTION_TIMEOUT_MS, "250");
        p.put(QuorumConfig.HEARTBEAT_INTERVAL_MS, "30");
        p.put(QuorumConfig.FETCH_TIMEOUT_MS, "1000");
        p.put(QuorumConfig.REQUEST_TIMEOUT_MS, "2000");
        return p;
    }

    private final Path dir;
    private final QuorumConfig base;
    private final Map<Integer, ControllerListener> listeners = new TreeMap<>();
    private final Map<Integer, RaftRuntime> runtimes = new TreeMap<>();
    private final Map<Integer, KvStateMachine> machines = new TreeMap<>();

    TestQuorum(Path dir, int voters, Map<String, String> overrides) {
        this.dir = dir;
        StringJoiner votersValue = new StringJoiner(",");
        for (int id = 1; id <= voters; id++) {
            ControllerListener l = ControllerListener.bind("127.0.0.1", 0);
            listeners.put(id, l);
            votersValue.add(id + "@127.0.0.1:" + l.endpoint().port());
        }
        Map<String, String> props = new HashMap<>(fastTimings());
        props.putAll(overrides);
        props.put(QuorumConfig.NODE_ID, "1");
        props.put(QuorumConfig.VOTERS, votersValue.toString());
        props.put(QuorumConfig.METADATA_LOG_DIR, logDir(1).toString());
        this.base = QuorumConfig.fromProperties(props);
        for (int id = 1; id <= voters; id++) {
            startRuntime(id);
        }
    }

    QuorumConfig config(int id) {
        return base.withNodeId(id, logDir(id));
    }

    /** A configuration for an observer (a broker) with this quorum's voters and timings. */
    QuorumConfig observerConfig(int id) {
        return base.withNodeId(id, null);
    }

    private Path logDir(int id) {
        return dir.resolve("node-" + id);
    }

    private void startRuntime(int id) {
        KvStateMachine sm = new KvStateMachine();
        machines.put(id, sm);
        runtimes.put(id, RaftRuntime.start(config(id), sm, listeners.get(id)));
    }

    RaftRuntime runtime(int id) {
        return runtimes.get(id);
    }

    KvStateMachine machine(int id) {
        return machines.get(id);
    }

    List<Integer> live() {
        return List.copyOf(runtimes.keySet());
    }

    /** Waits until exactly one live voter leads and every live voter follows it; returns its id. */
    int awaitLeader() {
        AtomicInteger leader = new AtomicInteger();
        await("a leader followed by all live voters").atMost(Duration.ofSeconds(20)).until(() -> {
            List<Integer> leaders = runtimes.entrySet().stream()
                    .filter(e -> e.getValue().role() == Role.LEADER).map(Map.Entry::getKey)
                    .collect(Collectors.toList());
            if (leaders.size() != 1) {
                return false;
            }
            int id = leaders.get(0);
            leader.set(id);
            return runtimes.values().stream().allMatch(r -> r.leaderId() == id);
        });
        return leader.get();
    }

    /** Kills a voter: its service, listener and storage are closed, its state machine dropped. */
    void kill(int id) {
        RaftRuntime r = runtimes.remove(id);
        machines.remove(id);
        listeners.get(id).close();
        r.close();
    }

    /** Restarts a killed voter from its log directory, on its old port, with an empty state machine. */
    void restart(int id) {
        listeners.put(id, ControllerListener.bind("127.0.0.1", base.voters().get(id).port()));
        startRuntime(id);
    }

    @Override
    public void close() {
        runtimes.values().forEach(RaftRuntime::close);
        listeners.values().forEach(ControllerListener::close);
        runtimes.clear();
    }
}
