package io.weir.metadata.raft.sim;

import io.weir.common.TopicPartition;
import io.weir.metadata.controller.AlterConfigOp;
import io.weir.metadata.controller.AlterPartitionRequest;
import io.weir.metadata.controller.BrokerHeartbeatReply;
import io.weir.metadata.controller.BrokerHeartbeatRequest;
import io.weir.metadata.controller.ControllerConfig;
import io.weir.metadata.controller.CreatableTopic;
import io.weir.metadata.controller.ElectionType;
import io.weir.metadata.controller.Errors;
import io.weir.metadata.controller.RegisterBrokerReply;
import io.weir.metadata.controller.RegisterBrokerRequest;
import io.weir.metadata.controller.TopicConfigs;
import io.weir.metadata.controller.server.ControllerTimings;
import io.weir.metadata.controller.server.QuorumControllerCore;
import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.MetadataLogEntries;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.MemoryRaftStorage;
import io.weir.metadata.raft.ProposeResult;
import io.weir.metadata.raft.RaftConfig;
import io.weir.metadata.raft.RaftMessage;
import io.weir.metadata.raft.RaftNode;
import io.weir.metadata.raft.Ready;
import io.weir.metadata.raft.Role;
import io.weir.metadata.raft.runtime.NotLeaderException;
import io.weir.proto.v1.MetadataRecordBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * The controller on the simulated Raft cluster: every voter runs the production {@link QuorumControllerCore}
 * over a {@link RaftNode} on a {@link SimulatedNetwork} (drops, duplicates, delays, partitions, crashes and
 * restarts from its {@link MemoryRaftStorage}, snapshots), and applies committed batches to its own
 * {@link MetadataImage}. Simulated brokers register, heartbeat, die and return, and topic operations go to
 * whichever node leads. After every applied entry the metadata invariants are checked on that node's image,
 * across nodes (equal images at equal offsets; one leader per partition and leader epoch), and the Raft
 * safety properties by {@link SafetyChecker}. All from one seed; owned by the simulation thread.
 */
final class ControllerRaftSimulation {

    static final int ELECTION_TICKS = 10;
    /** Simulated milliseconds per tick: a 9 s broker session is 180 ticks, a 2 s heartbeat interval 40. */
    static final long MS_PER_TICK = 50;
    static final int HEARTBEAT_TICKS = 40;
    /** A broker abandons a request not answered within this many ticks (its client's deadline). */
    static final int REQUEST_TIMEOUT_TICKS = 40;
    static final int LIVENESS_BOUND_TICKS = 60 * ELECTION_TICKS;
    private static final String[] TOPIC_NAMES = {"a", "b", "c", "d.e", "f"};

    /** Counts of transitions over a run, to show the invariants were exercised. */
    static final class Coverage {
        long activations;
        long fencings;
        long unfencings;
        long leaderChanges;
        long snapshotsInstalled;
        long brokerRestarts;
        long requestsRefusedNotController;
        long imagesCompared;

        @Override
        public String toString() {
            return "activations=" + activations + " fencings=" + fencings + " unfencings=" + unfencings
                    + " leaderChanges=" + leaderChanges + " snapshotsInstalled=" + snapshotsInstalled
                    + " brokerRestarts=" + brokerRestarts
                    + " refusedNotController=" + requestsRefusedNotController + " imagesCompared=" + imagesCompared;
        }
    }

    private record PartitionKey(String topicId, int partition) {
    }

    final long seed;
    final int voterCount;
    private final Coverage coverage;
    private final SplittableRandom random;
    private final SimulatedNetwork network;
    private final SafetyChecker checker = new SafetyChecker();
    private final ControllerConfig config;
    private final ControllerTimings timings = new ControllerTimings(1000, 10_000);
    private final List<Integer> voters = new ArrayList<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<SimBroker> brokers = new ArrayList<>();
    private final int snapshotEvery;
    private final double readyRate;
    private final Map<Long, MetadataImage> imageAtOffset = new HashMap<>(); // first image any node had there
    private final Map<String, Integer> leaderAtEpoch = new HashMap<>(); // "topicId/partition/epoch" -> leader
    private long now;
    private AssertionError unexpected; // the first callback failure, raised at the end of its step

    /** One controller machine: its disk survives crashes; the Raft node, image and controller do not. */
    private final class SimNode {
        final int id;
        final RaftConfig raftConfig;
        final MemoryRaftStorage storage = new MemoryRaftStorage();
        final ArrayDeque<Runnable> deferred = new ArrayDeque<>(); // proposal failures, fed back after the call
        final Map<PartitionKey, PartitionRegistration> lastSeen = new HashMap<>();
        final Map<Integer, Boolean> lastFenced = new HashMap<>(); // broker id -> fenced, in the last image
        RaftNode node;
        QuorumControllerCore core;
        MetadataImage image;
        long appliedIndex;
        int restarts;
        boolean wasActive;

        SimNode(int id, RaftConfig raftConfig) {
            this.id = id;
            this.raftConfig = raftConfig;
            start();
        }

        void start() {
            node = new RaftNode(raftConfig.withRandomSeed(seed * 1_000_003L + id * 101L + restarts), storage);
            image = storage.snapshot().index() > 0
                    ? MetadataLogEntries.restore(storage.snapshot().data()) : MetadataImage.EMPTY;
            appliedIndex = storage.snapshot().index();
            lastSeen.clear();
            lastFenced.clear();
            deferred.clear();
            wasActive = false;
            SplittableRandom topicIds = new SplittableRandom(seed * 7919 + id * 31L + restarts);
            core = new QuorumControllerCore(id, config, timings, topicIds, this::propose,
                    () -> new NotLeaderException(id, node.leaderId(), null));
            restarts++;
        }

        void propose(byte[] batch, long generation) {
            ProposeResult r = node.propose(List.of(batch));
            if (!(r instanceof ProposeResult.Accepted)) {
                deferred.add(() -> core.onProposeFailed(generation, new IllegalStateException(r.toString())));
            }
        }

        void drain() {
            while (!deferred.isEmpty()) {
                deferred.pollFirst().run();
            }
        }

        boolean running() {
            return node != null;
        }
    }

    /** A broker process: registers, heartbeats to the current leader, follows metadata with a lag. */
    private static final class SimBroker {
        final int id;
        final Optional<String> rack;
        boolean running;
        int incarnation;
        long epoch = -1;
        long appliedOffset = -1;
        long nextHeartbeatAt;
        long sentAt = -1; // tick of the request in flight, -1 when none
        boolean wantShutdown;

        SimBroker(int id, Optional<String> rack) {
            this.id = id;
            this.rack = rack;
        }
    }

    ControllerRaftSimulation(long seed, Coverage coverage) {
        this.seed = seed;
        this.coverage = coverage;
        this.random = new SplittableRandom(seed);
        this.voterCount = random.nextBoolean() ? 3 : 5;
        this.config = new ControllerConfig(9000, 1 + random.nextInt(3), (short) 1, random.nextInt(4) != 0,
                random.nextInt(30), random.nextInt(5) == 0);
        for (int i = 1; i <= voterCount; i++) {
            voters.add(i);
        }
        this.network = new SimulatedNetwork(random.split(), voterCount);
        this.snapshotEvery = 5 + random.nextInt(30);
        this.readyRate = 0.5 + random.nextDouble() * 0.5;
        long maxUncommitted = 2000 + random.nextInt(20_000);
        for (int id = 1; id <= voterCount; id++) {
            nodes.add(new SimNode(id, RaftConfig.of(id, voters, List.of()).withTimeouts(ELECTION_TICKS, 2)
                    .withAppendLimits(1 + random.nextInt(8), 8192, 1 + random.nextInt(8))
                    .withSnapshotChunkBytes(64 + random.nextInt(512))
                    .withMaxUncommittedBytes(maxUncommitted)));
        }
        int brokerCount = 3 + random.nextInt(3);
        int racks = random.nextInt(3);
        for (int i = 0; i < brokerCount; i++) {
            SimBroker b = new SimBroker(i, racks == 0 ? Optional.empty() : Optional.of("r" + i % racks));
            b.running = true;
            brokers.add(b);
        }
    }

    long nowMs() {
        return 1_000_000 + now * MS_PER_TICK;
    }

    long ticks() {
        return now;
    }

    /** Node 1's image at the end: equal for equal seeds when the run is deterministic. */
    MetadataImage firstNodeImage() {
        return nodes.get(0).image;
    }

    /** {@code rounds} of chaos, each followed by healing and a liveness check. */
    void run(int rounds, int chaosTicks) {
        for (int r = 0; r < rounds; r++) {
            network.setFaults(random.nextDouble() * 0.1, random.nextDouble() * 0.05, random.nextInt(5));
            for (int t = 0; t < chaosTicks; t++) {
                chaosFaults();
                step(true);
            }
            heal();
            checkLiveness(r);
        }
    }

    private void chaosFaults() {
        double p = random.nextDouble();
        if (p < 0.003) {
            SimNode n = nodes.get(random.nextInt(nodes.size()));
            if (n.running()) {
                n.node = null;
                n.core = null;
            }
        } else if (p < 0.015) {
            for (SimNode n : nodes) {
                if (!n.running()) {
                    n.start();
                    break;
                }
            }
        } else if (p < 0.02) {
            SimNode leader = leader();
            if (leader != null && random.nextBoolean()) {
                network.isolate(leader.id);
            } else {
                List<Integer> side = new ArrayList<>();
                voters.forEach(v -> {
                    if (random.nextBoolean()) {
                        side.add(v);
                    }
                });
                network.partition(side);
            }
        } else if (p < 0.025) {
            network.heal();
        }
    }

    private void heal() {
        network.heal();
        network.setFaults(0, 0, random.nextInt(3));
        for (SimNode n : nodes) {
            if (!n.running()) {
                n.start();
            }
        }
    }

    /** After healing, an active controller must emerge and commit a new topic on every node, within a bound. */
    private void checkLiveness(int round) {
        String name = "live-" + round;
        long deadline = now + LIVENESS_BOUND_TICKS;
        long lastTry = -1_000;
        while (now < deadline) {
            SimNode leader = leader();
            if (leader != null && leader.core.isActive() && now - lastTry > 4 * ELECTION_TICKS
                    && leader.image.topics().topic(name) == null) {
                lastTry = now;
                leader.core.submit((l, image, nowMs) -> l.createTopics(image,
                        List.of(new CreatableTopic(name, 1, (short) 1, Map.of())), false), nowMs(),
                        new CompletableFuture<>());
                leader.drain();
            }
            step(false);
            if (nodes.stream().allMatch(n -> n.image.topics().topic(name) != null)) {
                return;
            }
        }
        StringBuilder sb = new StringBuilder("liveness: topic " + name + " not on every node within "
                + LIVENESS_BOUND_TICKS + " ticks after healing:");
        for (SimNode n : nodes) {
            sb.append("\n  node ").append(n.id).append(' ').append(n.node.status()).append(" active=")
                    .append(n.core.isActive()).append(" image offset=").append(n.image.offset());
        }
        throw new AssertionError(sb.toString());
    }

    private void step(boolean chaos) {
        now++;
        for (RaftMessage m : network.deliver(now)) {
            SimNode to = nodes.get(m.to() - 1);
            if (to.running()) {
                to.node.step(m);
            }
        }
        for (SimNode n : nodes) {
            if (n.running()) {
                n.node.tick();
            }
        }
        for (SimNode n : nodes) {
            if (n.running() && n.node.hasReady() && (!chaos || random.nextDouble() < readyRate)) {
                handleReady(n);
            }
        }
        for (SimNode n : nodes) {
            if (n.running()) {
                if (n.node.role() == Role.LEADER) {
                    checker.onLeader(n.id, n.node.term(), n.storage);
                }
                n.core.onRaftState(n.node.role() == Role.LEADER, n.node.term(), nowMs());
                n.drain();
                if (!n.wasActive && n.core.isActive()) {
                    coverage.activations++;
                }
                n.wasActive = n.core.isActive();
            }
        }
        for (SimBroker b : brokers) {
            brokerStep(b);
        }
        if (random.nextDouble() < 0.03) {
            topicOperation();
        }
        if (unexpected != null) {
            throw unexpected;
        }
    }

    private void handleReady(SimNode n) {
        Ready ready = n.node.ready();
        ready.snapshot().ifPresent(n.storage::applySnapshot);
        n.storage.append(ready.entries());
        ready.hardState().ifPresent(n.storage::setHardState);
        checker.onPersisted(n.id, n.storage, ready.entries());
        ready.messages().forEach(m -> network.send(m, now));
        if (ready.snapshot().isPresent()) {
            var s = ready.snapshot().get();
            n.image = MetadataLogEntries.restore(s.data());
            n.appliedIndex = s.index();
            n.core.onRestored(n.image);
            n.drain();
            checker.onSnapshotInstalled(n.id, s, n.image.hashCode());
            coverage.snapshotsInstalled++;
            checkImage(n);
        }
        for (Entry e : ready.committedEntries()) {
            if (e.type() == Entry.Type.NORMAL) {
                MetadataRecordBatch batch = MetadataLogEntries.decode(e);
                n.image = MetadataLogEntries.apply(n.image, batch, e.index());
                checkImage(n);
                n.core.onCommitted(batch, n.image);
                n.drain();
            }
            n.appliedIndex = e.index();
            checker.onApplied(n.id, e, n.image.hashCode());
        }
        n.node.advance(ready);
        if (n.appliedIndex - n.storage.snapshot().index() >= snapshotEvery) {
            n.storage.createSnapshot(n.appliedIndex, voters, MetadataLogEntries.snapshot(n.image));
            n.storage.compact(Math.max(n.storage.firstIndex() - 1, n.appliedIndex - random.nextInt(4)));
        }
    }

    /** The node that leads the highest term, or null. */
    private SimNode leader() {
        SimNode best = null;
        for (SimNode n : nodes) {
            if (n.running() && n.node.role() == Role.LEADER && (best == null || n.node.term() > best.node.term())) {
                best = n;
            }
        }
        return best;
    }

    /** Where a client's request lands: usually the leader, sometimes any node (which must refuse or serve). */
    private SimNode target() {
        SimNode n = random.nextInt(5) == 0 ? nodes.get(random.nextInt(nodes.size())) : leader();
        return n != null && n.running() ? n : null;
    }

    private <T> void submit(SimNode n, QuorumControllerCore.Operation<T> op, CompletableFuture<T> future) {
        n.core.submit(op, nowMs(), future);
        n.drain();
    }

    private void brokerStep(SimBroker b) {
        if (!b.running) {
            if (random.nextDouble() < 0.004) {
                b.running = true;
                b.incarnation++;
                b.epoch = -1;
                b.appliedOffset = -1;
                b.sentAt = -1;
                b.wantShutdown = false;
                coverage.brokerRestarts++;
            }
            return;
        }
        if (random.nextDouble() < 0.0015) {
            b.running = false; // dies; its session runs out at the controller
            return;
        }
        if (b.sentAt >= 0 && now - b.sentAt > REQUEST_TIMEOUT_TICKS) {
            b.sentAt = -1; // the request is lost with a failed-over controller: give up, as a deadline would
        }
        if (b.sentAt >= 0 || now < b.nextHeartbeatAt) {
            return;
        }
        SimNode n = target();
        if (n == null) {
            return;
        }
        b.sentAt = now;
        int incarnation = b.incarnation;
        if (b.epoch < 0) {
            RegisterBrokerRequest request = new RegisterBrokerRequest(b.id, "b" + b.id + "-" + incarnation,
                    List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092)), b.rack);
            CompletableFuture<RegisterBrokerReply> f = new CompletableFuture<>();
            f.whenComplete((reply, error) -> {
                if (b.incarnation != incarnation || !b.running) {
                    return;
                }
                b.sentAt = -1;
                b.nextHeartbeatAt = now + 1;
                if (error != null) {
                    coverage.requestsRefusedNotController++;
                } else if (reply.error().isSuccess()) {
                    b.epoch = reply.brokerEpoch();
                }
            });
            submit(n, (l, image, nowMs) -> l.registerBroker(image, request, nowMs), f);
            return;
        }
        // The broker follows the committed log with a lag: somewhere between where it was and the node's image.
        long target = n.image.offset();
        if (target > b.appliedOffset) {
            b.appliedOffset += 1 + random.nextLong(target - b.appliedOffset);
        }
        if (!b.wantShutdown && random.nextDouble() < 0.01) {
            b.wantShutdown = true;
        }
        BrokerHeartbeatRequest request = new BrokerHeartbeatRequest(b.id, b.epoch, b.appliedOffset, b.wantShutdown);
        CompletableFuture<BrokerHeartbeatReply> f = new CompletableFuture<>();
        f.whenComplete((reply, error) -> {
            if (b.incarnation != incarnation || !b.running) {
                return;
            }
            b.sentAt = -1;
            if (error != null) {
                coverage.requestsRefusedNotController++;
                b.nextHeartbeatAt = now + 1;
                return;
            }
            b.nextHeartbeatAt = now + (b.wantShutdown ? 2 : HEARTBEAT_TICKS - random.nextInt(5));
            Errors code = reply.error().error();
            if (code == Errors.STALE_BROKER_EPOCH || code == Errors.BROKER_ID_NOT_REGISTERED) {
                b.epoch = -1;
            } else if (reply.shouldShutDown()) {
                b.running = false;
            }
        });
        submit(n, (l, image, nowMs) -> l.brokerHeartbeat(image, request, nowMs), f);
    }

    private void topicOperation() {
        SimNode n = target();
        if (n == null) {
            return;
        }
        String name = TOPIC_NAMES[random.nextInt(TOPIC_NAMES.length)];
        switch (random.nextInt(6)) {
            case 0 -> {
                short rf = (short) (1 + random.nextInt(3));
                int partitions = 1 + random.nextInt(4);
                operate(n, (l, image, nowMs) -> l.createTopics(image,
                        List.of(new CreatableTopic(name, partitions, rf, Map.of())), false));
            }
            case 1 -> operate(n, (l, image, nowMs) -> l.deleteTopics(image, List.of(name)));
            case 2 -> {
                int more = random.nextInt(3);
                operate(n, (l, image, nowMs) -> {
                    TopicImage t = image.topics().topic(name);
                    return l.createPartitions(image, Map.of(name, t == null ? 1 : t.partitions().size() + more));
                });
            }
            case 3 -> alterPartition(n, name);
            case 4 -> {
                ElectionType type = random.nextInt(4) == 0 ? ElectionType.UNCLEAN : ElectionType.PREFERRED;
                List<TopicPartition> which = random.nextBoolean() ? null : List.of(new TopicPartition(name, 0));
                operate(n, (l, image, nowMs) -> l.electLeaders(image, type, which));
            }
            default -> {
                String value = Boolean.toString(random.nextBoolean());
                operate(n, (l, image, nowMs) -> l.incrementalAlterConfigs(image, Map.of(ConfigResource.topic(name),
                        List.of(AlterConfigOp.set(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, value)))));
            }
        }
    }

    /** Submits an operation whose only acceptable failure is "not the active controller". */
    private <T> void operate(SimNode n, QuorumControllerCore.Operation<T> op) {
        CompletableFuture<T> f = new CompletableFuture<>();
        f.whenComplete((r, error) -> {
            if (error instanceof NotLeaderException) {
                coverage.requestsRefusedNotController++;
            } else if (error != null && unexpected == null) {
                unexpected = new AssertionError("a controller operation failed with " + error, error);
            }
        });
        submit(n, op, f);
    }

    /** An ISR change as the partition's leader would ask, from the state in the node's committed image. */
    private void alterPartition(SimNode n, String name) {
        TopicImage t = n.image.topics().topic(name);
        if (t == null || t.partitions().isEmpty()) {
            return;
        }
        int index = random.nextInt(t.partitions().size());
        PartitionRegistration p = t.partition(index);
        if (p.isOffline() || n.image.cluster().broker(p.leader()) == null) {
            return;
        }
        List<Integer> isr = new ArrayList<>(p.isr());
        List<Integer> outside = new ArrayList<>(p.replicas());
        outside.removeAll(isr);
        if (!outside.isEmpty() && random.nextBoolean()) {
            isr.add(outside.get(random.nextInt(outside.size())));
        } else if (isr.size() > 1) {
            isr.remove(Integer.valueOf(isr.stream().filter(r -> r != p.leader()).findFirst().orElseThrow()));
        }
        AlterPartitionRequest request = new AlterPartitionRequest(p.leader(),
                n.image.cluster().broker(p.leader()).epoch(), t.id(), index, p.leaderEpoch(), p.partitionEpoch(), isr);
        operate(n, (l, image, nowMs) -> l.alterPartition(image, request));
    }

    /** The invariants on one node's image just after it applied an entry or installed a snapshot. */
    private void checkImage(SimNode n) {
        MetadataImage image = n.image;
        MetadataImage other = imageAtOffset.putIfAbsent(image.offset(), image);
        if (other != null) {
            coverage.imagesCompared++;
            if (!other.equals(image)) {
                throw new AssertionError("node " + n.id + " has a different image at offset " + image.offset()
                        + ":\n  " + image + "\nanother node had:\n  " + other);
            }
        }
        Map<PartitionKey, PartitionRegistration> seen = new HashMap<>();
        for (TopicImage t : image.topics().byId().values()) {
            t.partitions().forEach((index, p) -> {
                String where = "node " + n.id + " offset " + image.offset() + " " + t.name() + "-" + index + " " + p;
                check(!p.isr().isEmpty(), "ISR non-empty: " + where);
                check(p.isr().size() == new HashSet<>(p.isr()).size(), "ISR without duplicates: " + where);
                check(p.replicas().containsAll(p.isr()), "ISR within replicas: " + where);
                if (!p.isOffline()) {
                    check(p.isr().contains(p.leader()), "leader in ISR: " + where);
                    check(image.cluster().broker(p.leader()) != null
                            && !image.cluster().broker(p.leader()).fenced(), "leader unfenced: " + where);
                    Integer earlier = leaderAtEpoch.putIfAbsent(t.id() + "/" + index + "/" + p.leaderEpoch(),
                            p.leader());
                    check(earlier == null || earlier == p.leader(),
                            "two leaders " + earlier + " and " + p.leader() + " at one leader epoch: " + where);
                }
                PartitionKey key = new PartitionKey(t.id(), index);
                PartitionRegistration before = n.lastSeen.get(key);
                if (before != null) {
                    check(p.leaderEpoch() >= before.leaderEpoch(), "leader epoch went back: " + where);
                    check(p.partitionEpoch() >= before.partitionEpoch(), "partition epoch went back: " + where);
                    if (p.leader() != before.leader()) {
                        check(p.leaderEpoch() > before.leaderEpoch(), "a leader change bumps the epoch: " + where);
                        coverage.leaderChanges++;
                    }
                }
                seen.put(key, p);
            });
        }
        n.lastSeen.clear();
        n.lastSeen.putAll(seen);
        image.cluster().brokers().forEach((id, b) -> {
            Boolean was = n.lastFenced.put(id, b.fenced());
            if (was != null && was != b.fenced()) {
                if (b.fenced()) {
                    coverage.fencings++;
                } else {
                    coverage.unfencings++;
                }
            }
        });
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
