package io.weir.metadata.controller.server;

import static org.awaitility.Awaitility.await;

import io.weir.metadata.broker.BrokerLifecycleManager;
import io.weir.metadata.broker.ControllerClient;
import io.weir.metadata.broker.MetadataLoader;
import io.weir.metadata.controller.ControllerConfig;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.raft.Role;
import io.weir.metadata.raft.runtime.ControllerListener;
import io.weir.metadata.raft.runtime.QuorumConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Three (or N) controllers over real gRPC on 127.0.0.1 with short timings, and brokers made of a
 * {@link MetadataLoader} and a {@link BrokerLifecycleManager} (no data plane). Controllers can be killed
 * and restarted on their ports. Used by the test thread only.
 */
final class ControllerCluster implements AutoCloseable {
    static final long SESSION_TIMEOUT_MS = 1000;
    static final long BROKER_HEARTBEAT_MS = 100;

    private final Path dir;
    private final QuorumConfig base;
    private final ControllerConfig controllerConfig;
    private final ControllerTimings timings = new ControllerTimings(100, 300);
    private final Map<Integer, ControllerListener> listeners = new TreeMap<>();
    private final Map<Integer, QuorumController> controllers = new TreeMap<>();
    private final Map<Integer, Broker> brokers = new TreeMap<>();

    /** A broker without a data plane; {@code images} holds every image it was published, by offset. */
    static final class Broker implements AutoCloseable {
        final MetadataLoader loader;
        final BrokerLifecycleManager lifecycle;
        final ControllerClient client;
        final ConcurrentSkipListMap<Long, MetadataImage> images = new ConcurrentSkipListMap<>(); // any thread

        Broker(int id, QuorumConfig config) {
            loader = MetadataLoader.start(config, image -> images.put(image.offset(), image));
            client = new ControllerClient(config.voters(), 2000, 50);
            lifecycle = new BrokerLifecycleManager(id, List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9000 + id)),
                    Optional.of("rack-" + id % 2), client, BROKER_HEARTBEAT_MS, loader::offset);
        }

        @Override
        public void close() {
            lifecycle.close();
            loader.close();
            client.close();
        }
    }

    ControllerCluster(Path dir, int voters, Map<String, String> quorumOverrides) {
        this.dir = dir;
        StringJoiner votersValue = new StringJoiner(",");
        for (int id = 1; id <= voters; id++) {
            ControllerListener l = ControllerListener.bind("127.0.0.1", 0);
            listeners.put(id, l);
            votersValue.add(id + "@127.0.0.1:" + l.endpoint().port());
        }
        Map<String, String> props = new HashMap<>();
        props.put(QuorumConfig.TICK_MS, "10");
        props.put(QuorumConfig.ELECTION_TIMEOUT_MS, "250");
        props.put(QuorumConfig.HEARTBEAT_INTERVAL_MS, "30");
        props.put(QuorumConfig.FETCH_TIMEOUT_MS, "600");
        props.put(QuorumConfig.REQUEST_TIMEOUT_MS, "2000");
        props.putAll(quorumOverrides);
        props.put(QuorumConfig.NODE_ID, "1");
        props.put(QuorumConfig.VOTERS, votersValue.toString());
        props.put(QuorumConfig.METADATA_LOG_DIR, dir.resolve("node-1").toString());
        base = QuorumConfig.fromProperties(props);
        controllerConfig = new ControllerConfig(SESSION_TIMEOUT_MS, 1, (short) 1, true, 10, false);
        for (int id = 1; id <= voters; id++) {
            startController(id);
        }
    }

    private void startController(int id) {
        controllers.put(id, QuorumController.start(base.withNodeId(id, dir.resolve("node-" + id)),
                controllerConfig, timings, listeners.get(id)));
    }

    QuorumConfig quorumConfig() {
        return base;
    }

    QuorumController controller(int id) {
        return controllers.get(id);
    }

    /** Waits for one live voter to lead, followed by all, and returns it. */
    QuorumController awaitLeader() {
        AtomicInteger leader = new AtomicInteger();
        await("a Raft leader followed by every live voter").atMost(Duration.ofSeconds(20)).until(() -> {
            List<Integer> leaders = controllers.entrySet().stream()
                    .filter(e -> e.getValue().raft().role() == Role.LEADER).map(Map.Entry::getKey).toList();
            if (leaders.size() != 1) {
                return false;
            }
            leader.set(leaders.get(0));
            return controllers.values().stream().allMatch(c -> c.raft().leaderId() == leader.get());
        });
        return controllers.get(leader.get());
    }

    /** Kills a controller: its service, Raft runtime and listener go. */
    void kill(int id) {
        controllers.remove(id).close();
        listeners.remove(id).close();
    }

    void restart(int id) {
        listeners.put(id, ControllerListener.bind("127.0.0.1", base.voters().get(id).port()));
        startController(id);
    }

    List<Integer> liveControllers() {
        return List.copyOf(controllers.keySet());
    }

    Broker startBroker(int id) {
        Broker b = new Broker(id, base.withNodeId(id, null));
        b.lifecycle.start();
        brokers.put(id, b);
        return b;
    }

    void stopBroker(int id) {
        brokers.remove(id).close();
    }

    /** A client that knows only {@code voterIds}' addresses. */
    ControllerClient client(int... voterIds) {
        TreeMap<Integer, io.weir.metadata.raft.runtime.Endpoint> some = new TreeMap<>();
        for (int id : voterIds) {
            some.put(id, base.voters().get(id));
        }
        return new ControllerClient(some.isEmpty() ? base.voters() : some, 5000, 50);
    }

    @Override
    public void close() {
        brokers.values().forEach(Broker::close);
        controllers.values().forEach(QuorumController::close);
        listeners.values().forEach(ControllerListener::close);
    }
}
