package io.weir.metadata.controller.server;

import io.weir.common.TopicPartition;
import io.weir.metadata.controller.AlterConfigOp;
import io.weir.metadata.controller.AlterPartitionRequest;
import io.weir.metadata.controller.AlterPartitionResponse;
import io.weir.metadata.controller.ApiError;
import io.weir.metadata.controller.BrokerHeartbeatReply;
import io.weir.metadata.controller.BrokerHeartbeatRequest;
import io.weir.metadata.controller.ControllerConfig;
import io.weir.metadata.controller.ControllerLogic;
import io.weir.metadata.controller.ControllerResult;
import io.weir.metadata.controller.CreatableTopic;
import io.weir.metadata.controller.CreateTopicResult;
import io.weir.metadata.controller.DescribeConfigsResult;
import io.weir.metadata.controller.ElectionType;
import io.weir.metadata.controller.ProducerIdsBlock;
import io.weir.metadata.controller.RegisterBrokerReply;
import io.weir.metadata.controller.RegisterBrokerRequest;
import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.MetadataLogEntries;
import io.weir.metadata.publisher.MetadataPublisher;
import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.Role;
import io.weir.metadata.raft.runtime.ControllerListener;
import io.weir.metadata.raft.runtime.NotLeaderException;
import io.weir.metadata.raft.runtime.QuorumConfig;
import io.weir.metadata.raft.runtime.QuorumInfo;
import io.weir.metadata.raft.runtime.QuorumOverloadedException;
import io.weir.metadata.raft.runtime.RaftRuntime;
import io.weir.metadata.raft.runtime.StateMachine;
import io.weir.proto.v1.MetadataRecordBatch;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller of one voter, wired to Raft (Kafka's {@code QuorumController}, simplified).
 *
 * <p>As a {@link StateMachine} it applies each committed entry (a {@code MetadataRecordBatch}) to the
 * committed {@link MetadataImage} on the Raft driver thread and hands the new image to its
 * {@link MetadataPublisher}s and to the event thread.
 *
 * <p>Every request and periodic task runs on one <b>controller event thread</b>, which owns the
 * {@link ControllerLogic} and the fields marked "event thread". While this voter leads, the event thread
 * keeps the <i>last written</i> image: the committed image plus the records it has proposed that have not
 * committed yet, so each decision sees the effects of the ones before it. A decision's records go to Raft
 * as one entry; its response is sent once every entry proposed up to then has committed.
 *
 * <p>Becoming active: on seeing its Raft node lead a new term, the event thread proposes an empty batch
 * tagged with a new generation and serves nothing until that batch is applied, which means every earlier
 * entry (previous terms included) is in the committed image. It then starts a fresh {@code ControllerLogic},
 * whose heartbeat state gives every broker a full session from then on. Any sign of lost leadership (a role
 * or term change, a failed proposal, an entry it did not write) fails what is waiting with
 * {@link NotLeaderException} and drops the speculative state. Requests on a node that is not active fail
 * the same way, naming the leader it knows of.
 */
public final class QuorumController implements StateMachine, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QuorumController.class);
    /** Requests queued on the event thread beyond which new ones are refused (bounded buffering). */
    private static final int MAX_QUEUED_EVENTS = 10_000;

    private final int nodeId;
    private final ThreadPoolExecutor events; // the controller event thread
    private final ScheduledExecutorService ticker; // only queues a poll on the event thread each tick
    private final AtomicBoolean pollQueued = new AtomicBoolean(); // any thread: at most one poll waits
    private final AtomicInteger queued = new AtomicInteger(); // any thread
    private final CopyOnWriteArrayList<MetadataPublisher> publishers = new CopyOnWriteArrayList<>(); // any thread
    private volatile RaftRuntime raft; // set once by start, before the event thread polls it
    private volatile ControllerListener listener;
    private volatile io.grpc.ServerServiceDefinition service;

    /** Written by the Raft driver thread only, read by anyone. */
    private volatile MetadataImage committedImage = MetadataImage.EMPTY;

    private final QuorumControllerCore core; // event thread only

    private QuorumController(int nodeId, ControllerConfig config, ControllerTimings timings, RandomGenerator random) {
        this.nodeId = nodeId;
        this.events = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "controller-event-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "controller-ticker-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        this.core = new QuorumControllerCore(nodeId, config, timings, random, this::propose, this::notController);
    }

    /**
     * Starts a voter: the Raft runtime with this controller as its state machine, the event thread, and
     * {@code ControllerService} on {@code listener} (next to {@code RaftService}).
     */
    public static QuorumController start(QuorumConfig quorum, ControllerConfig config, ControllerTimings timings,
                                         ControllerListener listener) {
        return start(quorum, config, timings, listener, new SecureRandom());
    }

    static QuorumController start(QuorumConfig quorum, ControllerConfig config, ControllerTimings timings,
                                  ControllerListener listener, RandomGenerator random) {
        QuorumController controller = new QuorumController(quorum.nodeId(), config, timings, random);
        controller.listener = listener;
        try {
            controller.raft = RaftRuntime.start(quorum, controller, listener);
        } catch (RuntimeException e) {
            controller.events.shutdownNow();
            controller.ticker.shutdownNow();
            throw e;
        }
        controller.service = listener.addService(new ControllerGrpcService(controller));
        // Polled at the Raft tick: the runtime has no role-change callback, and a tick is its own resolution.
        controller.ticker.scheduleWithFixedDelay(controller::queuePoll, 0, quorum.tickMs(), TimeUnit.MILLISECONDS);
        return controller;
    }

    public int nodeId() {
        return nodeId;
    }

    public RaftRuntime raft() {
        return raft;
    }

    /** The image of everything committed and applied here. */
    public MetadataImage committedImage() {
        return committedImage;
    }

    /** Adds a receiver of committed images (e.g. the broker of a combined node); called on the Raft driver. */
    public void addPublisher(MetadataPublisher publisher) {
        publishers.add(publisher);
    }

    // ------------------------------------------------------------------ StateMachine, Raft driver thread

    @Override
    public void apply(Entry entry) {
        MetadataRecordBatch batch = MetadataLogEntries.decode(entry);
        MetadataImage image = MetadataLogEntries.apply(committedImage, batch, entry.index());
        publish(image);
        runOnEventThread(() -> core.onCommitted(batch, image));
    }

    @Override
    public byte[] snapshot() {
        return MetadataLogEntries.snapshot(committedImage);
    }

    @Override
    public void restore(byte[] snapshot) {
        MetadataImage image = MetadataLogEntries.restore(snapshot);
        publish(image);
        runOnEventThread(() -> core.onRestored(image));
    }

    private void publish(MetadataImage image) {
        committedImage = image;
        for (MetadataPublisher p : publishers) {
            try {
                p.onMetadataUpdate(image);
            } catch (RuntimeException e) {
                log.error("Controller {}: metadata publisher {} failed at offset {}", nodeId, p, image.offset(), e);
            }
        }
    }

    private void runOnEventThread(Runnable task) {
        try {
            events.execute(task);
        } catch (RejectedExecutionException e) {
            // closing: nothing waits for the event thread any more
        }
    }

    // ------------------------------------------------------------------ event thread

    private void queuePoll() {
        if (pollQueued.compareAndSet(false, true)) {
            runOnEventThread(this::poll);
        }
    }

    private void poll() {
        pollQueued.set(false);
        try {
            RaftRuntime r = raft;
            core.onRaftState(r.role() == Role.LEADER, r.term(), nowMs());
        } catch (RuntimeException e) {
            log.error("Controller {}: periodic work failed", nodeId, e);
        }
    }

    private void propose(byte[] batch, long generation) {
        raft.propose(batch).whenComplete((index, error) -> {
            if (error != null) {
                runOnEventThread(() -> core.onProposeFailed(generation, error));
            }
        });
    }

    private NotLeaderException notController() {
        RaftRuntime r = raft;
        int leader = r.leaderId();
        return new NotLeaderException(nodeId, leader, r.config().voters().get(leader));
    }

    private static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /**
     * Runs {@code op} on the event thread against the last written image; the future completes once its
     * records and every record proposed before them have committed.
     */
    private <T> CompletableFuture<T> submit(QuorumControllerCore.Operation<T> op) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (queued.incrementAndGet() > MAX_QUEUED_EVENTS) {
            queued.decrementAndGet();
            future.completeExceptionally(new QuorumOverloadedException("controller " + nodeId + " has "
                    + MAX_QUEUED_EVENTS + " requests queued"));
            return future;
        }
        try {
            events.execute(new Request<>(op, future));
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet();
            future.completeExceptionally(closed());
        }
        return future;
    }

    /** A request queued for the event thread; a request still queued at close fails rather than hangs. */
    private final class Request<T> implements Runnable {
        private final QuorumControllerCore.Operation<T> op;
        private final CompletableFuture<T> future;

        Request(QuorumControllerCore.Operation<T> op, CompletableFuture<T> future) {
            this.op = op;
            this.future = future;
        }

        @Override
        public void run() {
            queued.decrementAndGet();
            core.submit(op, nowMs(), future);
        }
    }

    private IllegalStateException closed() {
        return new IllegalStateException("controller " + nodeId + " is closed");
    }

    // ------------------------------------------------------------------ requests, any thread

    public CompletableFuture<RegisterBrokerReply> registerBroker(RegisterBrokerRequest request) {
        return submit((l, image, now) -> l.registerBroker(image, request, now));
    }

    public CompletableFuture<BrokerHeartbeatReply> brokerHeartbeat(BrokerHeartbeatRequest request) {
        return submit((l, image, now) -> l.brokerHeartbeat(image, request, now));
    }

    public CompletableFuture<AlterPartitionResponse> alterPartition(AlterPartitionRequest request) {
        return submit((l, image, now) -> l.alterPartition(image, request));
    }

    public CompletableFuture<ProducerIdsBlock> allocateProducerIds(int brokerId, long brokerEpoch) {
        return submit((l, image, now) -> l.allocateProducerIds(image, brokerId, brokerEpoch));
    }

    public CompletableFuture<List<CreateTopicResult>> createTopics(List<CreatableTopic> topics,
                                                                   boolean validateOnly) {
        return submit((l, image, now) -> l.createTopics(image, topics, validateOnly));
    }

    public CompletableFuture<Map<String, ApiError>> deleteTopics(Collection<String> names) {
        return submit((l, image, now) -> l.deleteTopics(image, names));
    }

    public CompletableFuture<Map<String, ApiError>> createPartitions(Map<String, Integer> counts) {
        return submit((l, image, now) -> l.createPartitions(image, counts));
    }

    /** Answers from the last written image once it has committed, in request order. */
    public CompletableFuture<Map<ConfigResource, DescribeConfigsResult>> describeConfigs(
            List<ConfigResource> resources) {
        return submit((l, image, now) -> {
            Map<ConfigResource, DescribeConfigsResult> out = new LinkedHashMap<>();
            resources.forEach(r -> out.put(r, l.describeConfigs(image, r)));
            return ControllerResult.noRecords(out);
        });
    }

    public CompletableFuture<Map<ConfigResource, ApiError>> incrementalAlterConfigs(
            Map<ConfigResource, List<AlterConfigOp>> changes) {
        return submit((l, image, now) -> l.incrementalAlterConfigs(image, changes));
    }

    /** {@code partitions} null: every partition the election applies to. */
    public CompletableFuture<Map<TopicPartition, ApiError>> electLeaders(ElectionType type,
                                                                          Collection<TopicPartition> partitions) {
        return submit((l, image, now) -> l.electLeaders(image, type, partitions));
    }

    public CompletableFuture<QuorumInfo> describeQuorum() {
        return raft.describeQuorum();
    }

    /** Stops the event thread, the service and the Raft runtime; the listener stays with its owner. */
    @Override
    public void close() {
        if (service != null) {
            listener.removeService(service);
        }
        ticker.shutdownNow();
        IllegalStateException closed = closed();
        for (Runnable r : events.shutdownNow()) {
            if (r instanceof Request<?> request) {
                request.future.completeExceptionally(closed);
            }
        }
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        raft.close();
        // Requests that were still waiting for a commit will not get one from this node.
        core.failAll(closed);
    }
}
