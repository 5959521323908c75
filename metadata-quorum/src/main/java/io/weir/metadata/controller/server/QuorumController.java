package io.weir.metadata.controller.server;

import io.weir.metadata.controller.AlterConfigOp;
import io.weir.metadata.controller.AlterPartitionRequest;
import io.weir.metadata.controller.AlterPartitionResponse;
import io.weir.metadata.controller.ApiError;
import io.weir.metadata.controller.BrokerHeartbeatReply;
import io.weir.metadata.controller.BrokerHeartbeatRequest;
import io.weir.metadata.controller.CreatableTopic;
import io.weir.metadata.controller.CreateTopicResult;
import io.weir.metadata.controller.ControllerConfig;
import io.weir.metadata.controller.ControllerLogic;
import io.weir.metadata.controller.ControllerResult;
import io.weir.metadata.controller.DescribeConfigsResult;
import io.weir.metadata.controller.ElectionType;
import io.weir.metadata.controller.ProducerIdsBlock;
import io.weir.metadata.controller.RegisterBrokerReply;
import io.weir.metadata.controller.RegisterBrokerRequest;
import io.weir.metadata.controller.TopicPartition;
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
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.MetadataRecordBatch;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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

    private enum State { INACTIVE, ACTIVATING, ACTIVE }

    private final int nodeId;
    private final ControllerConfig config;
    private final ControllerTimings timings;
    private final RandomGenerator random;
    private final long pollMs;
    private final ScheduledThreadPoolExecutor events;
    private final AtomicInteger queued = new AtomicInteger(); // any thread
    private final CopyOnWriteArrayList<MetadataPublisher> publishers = new CopyOnWriteArrayList<>(); // any thread
    private volatile RaftRuntime raft; // set once by start, before the event thread polls it
    private volatile ControllerListener listener;
    private volatile io.grpc.ServerServiceDefinition service;

    /** Written by the Raft driver thread only, read by anyone. */
    private volatile MetadataImage committedImage = MetadataImage.EMPTY;

    // Event thread only.
    private State state = State.INACTIVE;
    private MetadataImage committed = MetadataImage.EMPTY;
    private MetadataImage lastWritten;
    private ControllerLogic logic;
    private long activeTerm = -1;
    private long generation;
    private long lastProposedSeq;
    private long lastCommittedSeq;
    private long activationSeq;
    private long nextFenceCheckMs;
    private long nextImbalanceCheckMs;
    private final ArrayDeque<Waiter<?>> waiters = new ArrayDeque<>(); // ascending by seq

    private record Waiter<T>(long seq, CompletableFuture<T> future, T response) {
        void complete() {
            future.complete(response);
        }
    }

    private QuorumController(int nodeId, ControllerConfig config, ControllerTimings timings, RandomGenerator random,
                             long pollMs) {
        this.nodeId = nodeId;
        this.config = config;
        this.timings = timings;
        this.random = random;
        this.pollMs = pollMs;
        this.events = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "controller-event-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        events.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
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
        QuorumController controller = new QuorumController(quorum.nodeId(), config, timings, random,
                quorum.tickMs());
        controller.listener = listener;
        controller.raft = RaftRuntime.start(quorum, controller, listener);
        controller.service = listener.addService(new ControllerGrpcService(controller));
        controller.events.scheduleWithFixedDelay(controller::poll, 0, controller.pollMs, TimeUnit.MILLISECONDS);
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
        runOnEventThread(() -> onCommitted(batch, image));
    }

    @Override
    public byte[] snapshot() {
        return MetadataLogEntries.snapshot(committedImage);
    }

    @Override
    public void restore(byte[] snapshot) {
        MetadataImage image = MetadataLogEntries.restore(snapshot);
        publish(image);
        runOnEventThread(() -> onRestored(image));
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

    private void onCommitted(MetadataRecordBatch batch, MetadataImage image) {
        committed = image;
        if (state == State.INACTIVE) {
            return;
        }
        boolean ours = batch.getWriterId() == nodeId && batch.getTerm() == activeTerm
                && batch.getGeneration() == generation;
        if (!ours) {
            if (state == State.ACTIVE) {
                deactivate("entry of writer " + batch.getWriterId() + " term " + batch.getTerm()
                        + " committed while active");
            }
            return; // while activating, earlier terms' entries are still being applied
        }
        lastCommittedSeq = batch.getSequence();
        if (state == State.ACTIVATING && lastCommittedSeq == activationSeq) {
            state = State.ACTIVE;
            lastWritten = committed;
            logic = new ControllerLogic(config, random);
            long now = nowMs();
            nextFenceCheckMs = now + timings.fenceCheckIntervalMs();
            nextImbalanceCheckMs = now + timings.leaderImbalanceCheckIntervalMs();
            log.info("Controller {} is active in term {} at metadata offset {}", nodeId, activeTerm,
                    committed.offset());
        }
        while (!waiters.isEmpty() && waiters.peekFirst().seq() <= lastCommittedSeq) {
            waiters.pollFirst().complete();
        }
        if (lastCommittedSeq == lastProposedSeq && state == State.ACTIVE) {
            lastWritten = committed; // same content; takes the committed offset
        }
    }

    private void onRestored(MetadataImage image) {
        committed = image;
        if (state != State.INACTIVE) {
            deactivate("a snapshot replaced the state");
        }
    }

    /** Follows the Raft role and runs the periodic tasks while active. */
    private void poll() {
        try {
            RaftRuntime r = raft;
            Role role = r.role();
            long term = r.term();
            if (state != State.INACTIVE && (role != Role.LEADER || term != activeTerm)) {
                deactivate("Raft role is now " + role + " in term " + term);
            }
            if (state == State.INACTIVE && role == Role.LEADER) {
                activate(term);
            }
            if (state == State.ACTIVE) {
                long now = nowMs();
                if (now >= nextFenceCheckMs) {
                    nextFenceCheckMs = now + timings.fenceCheckIntervalMs();
                    List<Integer> fenced = write(logic.fenceStaleBrokers(lastWritten, now));
                    if (!fenced.isEmpty()) {
                        log.info("Controller {} fenced brokers {}: no heartbeat within {} ms", nodeId, fenced,
                                config.brokerSessionTimeoutMs());
                    }
                }
                if (state == State.ACTIVE && now >= nextImbalanceCheckMs) {
                    nextImbalanceCheckMs = now + timings.leaderImbalanceCheckIntervalMs();
                    write(logic.maybeBalancePartitionLeaders(lastWritten));
                }
            }
        } catch (RuntimeException e) {
            log.error("Controller {}: periodic work failed", nodeId, e);
            deactivate("periodic work failed: " + e);
        }
    }

    private void activate(long term) {
        state = State.ACTIVATING;
        activeTerm = term;
        generation++;
        lastProposedSeq = 0;
        lastCommittedSeq = 0;
        activationSeq = propose(List.of());
    }

    private void deactivate(String reason) {
        if (state == State.INACTIVE) {
            return;
        }
        log.info("Controller {} is no longer active: {}", nodeId, reason);
        state = State.INACTIVE;
        generation++; // entries still in flight from this activation now count as someone else's
        logic = null;
        lastWritten = null;
        NotLeaderException e = notController();
        while (!waiters.isEmpty()) {
            waiters.pollFirst().future().completeExceptionally(e);
        }
    }

    /** Proposes one batch; returns its sequence number. */
    private long propose(List<MetadataRecord> records) {
        long seq = ++lastProposedSeq;
        long gen = generation;
        byte[] data = MetadataRecordBatch.newBuilder()
                .setWriterId(nodeId).setTerm(activeTerm).setGeneration(gen).setSequence(seq)
                .addAllRecords(records).build().toByteArray();
        raft.propose(data).whenComplete((index, error) -> {
            if (error != null) {
                runOnEventThread(() -> {
                    if (generation == gen) {
                        deactivate("proposal " + seq + " failed: " + error);
                    }
                });
            }
        });
        return seq;
    }

    /** Proposes a decision's records (if any) and extends the last written image; returns its response. */
    private <T> T write(ControllerResult<T> result) {
        if (!result.records().isEmpty()) {
            lastWritten = lastWritten.apply(result.records(), lastWritten.offset());
            propose(result.records());
        }
        return result.response();
    }

    private NotLeaderException notController() {
        RaftRuntime r = raft;
        int leader = r.leaderId();
        return new NotLeaderException(nodeId, leader, r.config().voters().get(leader));
    }

    private static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    @FunctionalInterface
    private interface Operation<T> {
        ControllerResult<T> run(ControllerLogic logic, MetadataImage lastWritten, long nowMs);
    }

    /**
     * Runs {@code op} on the event thread against the last written image; the future completes once its
     * records and every record proposed before them have committed.
     */
    private <T> CompletableFuture<T> submit(Operation<T> op) {
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
        private final Operation<T> op;
        private final CompletableFuture<T> future;

        Request(Operation<T> op, CompletableFuture<T> future) {
            this.op = op;
            this.future = future;
        }

        @Override
        public void run() {
            queued.decrementAndGet();
            if (state != State.ACTIVE) {
                future.completeExceptionally(notController());
                return;
            }
            T response;
            try {
                response = write(op.run(logic, lastWritten, nowMs()));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
                return;
            }
            if (lastCommittedSeq == lastProposedSeq) {
                future.complete(response);
            } else {
                waiters.addLast(new Waiter<>(lastProposedSeq, future, response));
            }
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
        waiters.forEach(w -> w.future().completeExceptionally(closed));
        waiters.clear();
    }
}
