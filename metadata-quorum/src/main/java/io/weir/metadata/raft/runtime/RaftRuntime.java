package io.weir.metadata.raft.runtime;

import io.grpc.ServerServiceDefinition;
import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.NotLeader;
import io.weir.metadata.raft.ProposeResult;
import io.weir.metadata.raft.QuorumStatus;
import io.weir.metadata.raft.RaftConfig;
import io.weir.metadata.raft.RaftMessage;
import io.weir.metadata.raft.RaftNode;
import io.weir.metadata.raft.ReadIndexResult;
import io.weir.metadata.raft.ReadState;
import io.weir.metadata.raft.Ready;
import io.weir.metadata.raft.Role;
import io.weir.metadata.raft.Snapshot;
import io.weir.proto.v1.FetchCommittedRequest;
import io.weir.proto.v1.FetchCommittedResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A voter of the metadata quorum: the Raft core plus its I/O, in the style of etcd's raft node.
 *
 * <p>One driver thread owns the {@link RaftNode}, the {@link KvRaftStorage}, the {@link StateMachine} and
 * every field documented as "driver thread". Other threads (gRPC, callers) only put inputs on a bounded
 * queue: messages from peers, proposals, reads, quorum descriptions and observers' fetches. The driver
 * steps a batch of inputs, ticks the core off its own clock, then handles each {@link Ready} in the order
 * the core documents: persist (one synced batch), send, apply to the state machine, complete the proposals
 * and reads that waited for it, advance. After {@code controller.quorum.snapshot.interval.entries} applied
 * entries it snapshots the state machine and compacts the log, keeping a tail.
 */
public final class RaftRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RaftRuntime.class);

    private static final int INPUT_QUEUE_CAPACITY = 16_384;
    private static final int MAX_INPUTS_PER_STEP = 4096;
    /** Ticks fired at once after the driver fell behind; beyond that they are skipped, not bunched. */
    private static final int MAX_CATCH_UP_TICKS = 2;

    private final QuorumConfig config;
    private final RaftConfig raftConfig;
    private final KvRaftStorage storage;
    private final StateMachine stateMachine;
    private final RaftTransport transport;
    private final ControllerListener listener;
    private final ServerServiceDefinition service;
    private final long tickNanos;
    private final int maxEntryBytes;

    /** Any thread offers; the driver thread takes. */
    private final BlockingQueue<Input> inputs = new ArrayBlockingQueue<>(INPUT_QUEUE_CAPACITY);
    private final Thread driver;
    private volatile boolean running = true;
    /** Written by the driver thread, read by anyone (tests, metrics). */
    private volatile long appliedIndex;
    private volatile long commitIndex;
    private volatile Role role;
    private volatile int leaderId = RaftNode.NO_LEADER;
    private volatile long term;

    // Driver thread only.
    private final RaftNode node;
    private final TreeMap<Long, PendingProposal> proposals = new TreeMap<>();
    private final Map<Long, CompletableFuture<Long>> readsAwaitingConfirmation = new HashMap<>();
    private final List<ConfirmedRead> readsAwaitingApply = new ArrayList<>();
    private final ObserverFetches observerFetches;
    private long nextReadCtx;

    private sealed interface Input permits Inbound, Propose, Read, Describe, Fetch {
    }

    private record Inbound(RaftMessage message) implements Input {
    }

    private record Propose(byte[] data, CompletableFuture<Long> result) implements Input {
    }

    private record Read(CompletableFuture<Long> result) implements Input {
    }

    private record Describe(CompletableFuture<QuorumInfo> result) implements Input {
    }

    private record Fetch(FetchCommittedRequest request, CompletableFuture<FetchCommittedResponse> result)
            implements Input {
    }

    private record PendingProposal(long term, CompletableFuture<Long> result) {
    }

    private record ConfirmedRead(long index, CompletableFuture<Long> result) {
    }

    private RaftRuntime(QuorumConfig config, StateMachine stateMachine, ControllerListener listener,
                        KvRaftStorage storage) {
        this.config = config;
        this.raftConfig = config.raftConfig(ThreadLocalRandom.current().nextLong());
        this.storage = storage;
        this.stateMachine = stateMachine;
        this.listener = listener;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(config.tickMs());
        this.maxEntryBytes = (int) Math.min(raftConfig.maxBytesPerAppend(), ControllerListener.MAX_MESSAGE_BYTES / 2);
        Snapshot snapshot = storage.snapshot();
        if (snapshot.index() > 0) {
            stateMachine.restore(snapshot.data());
        }
        this.appliedIndex = snapshot.index();
        this.node = new RaftNode(raftConfig, storage);
        this.observerFetches = new ObserverFetches(config, storage, raftConfig.snapshotChunkBytes());
        publishState();
        this.transport = new RaftTransport(config.nodeId(), config.voters());
        this.driver = new Thread(this::run, "raft-driver-" + config.nodeId());
        this.service = listener.addService(new RaftGrpcService(this));
    }

    /**
     * Opens the metadata log in {@code config.metadataLogDir()}, restores {@code stateMachine} from its
     * snapshot (committed entries after it are re-applied as the node learns they are committed), serves
     * {@code RaftService} on {@code listener} and starts the driver thread.
     */
    public static RaftRuntime start(QuorumConfig config, StateMachine stateMachine, ControllerListener listener) {
        if (!config.isVoter()) {
            throw new IllegalArgumentException("node " + config.nodeId() + " is not one of the voters "
                    + config.voters().keySet() + "; observers run a RaftObserver");
        }
        KvRaftStorage storage = KvRaftStorage.open(config.metadataLogDir());
        RaftRuntime runtime;
        try {
            runtime = new RaftRuntime(config, stateMachine, listener, storage);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        runtime.driver.start();
        log.info("Raft node {} started: voters {}, log at {}, snapshot at {}", config.nodeId(), config.voters(),
                config.metadataLogDir(), storage.snapshot().index());
        return runtime;
    }

    public QuorumConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ API, any thread

    /**
     * Proposes one entry. Completes with its log index once it is committed and applied here; fails with
     * {@link NotLeaderException} (naming the leader) on a non-leader, with {@link QuorumOverloadedException}
     * when the leader holds too much uncommitted data, or with {@link ProposalLostException} if another
     * leader overwrote the entry. A proposal accepted by a leader that then loses leadership
     * may stay pending until the log reaches its index: callers bound their wait.
     */
    public CompletableFuture<Long> propose(byte[] data) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        if (data.length > maxEntryBytes) {
            result.completeExceptionally(new IllegalArgumentException("entry of " + data.length
                    + " bytes is above the limit of " + maxEntryBytes));
            return result;
        }
        offer(new Propose(data, result), result);
        return result;
    }

    /**
     * A linearizable read barrier (ReadIndex): completes with a commit index once the leader has confirmed
     * with a heartbeat round that it still leads and this node has applied up to that index, so the state
     * machine may then answer a read. Fails with {@link NotLeaderException} on a non-leader or when
     * leadership is lost before confirmation.
     */
    public CompletableFuture<Long> readIndex() {
        CompletableFuture<Long> result = new CompletableFuture<>();
        offer(new Read(result), result);
        return result;
    }

    /** The quorum status as the leader sees it; fails with {@link NotLeaderException} elsewhere. */
    public CompletableFuture<QuorumInfo> describeQuorum() {
        CompletableFuture<QuorumInfo> result = new CompletableFuture<>();
        offer(new Describe(result), result);
        return result;
    }

    /** The last entry applied to the state machine here. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** The commit index (high watermark) as this node last knew it. */
    public long commitIndex() {
        return commitIndex;
    }

    /** This node's role as of the driver's last step. */
    public Role role() {
        return role;
    }

    /** The leader this node knew of at the driver's last step, {@link RaftNode#NO_LEADER} if none. */
    public int leaderId() {
        return leaderId;
    }

    /** The term as of the driver's last step. */
    public long term() {
        return term;
    }

    CompletableFuture<FetchCommittedResponse> fetchCommitted(FetchCommittedRequest request) {
        CompletableFuture<FetchCommittedResponse> result = new CompletableFuture<>();
        offer(new Fetch(request, result), result);
        return result;
    }

    /** A message from a peer; dropped when the queue is full, which Raft tolerates like a network loss. */
    void deliver(RaftMessage message) {
        if (running && !inputs.offer(new Inbound(message))) {
            log.debug("Input queue full, dropping {}", message);
        }
    }

    private void offer(Input input, CompletableFuture<?> result) {
        if (!running) {
            result.completeExceptionally(new IllegalStateException("Raft node " + config.nodeId() + " is closed"));
        } else if (!inputs.offer(input)) {
            result.completeExceptionally(new QuorumOverloadedException("Raft node " + config.nodeId()
                    + " is overloaded: " + INPUT_QUEUE_CAPACITY + " requests are queued"));
        }
    }

    // ------------------------------------------------------------------ driver thread

    private void run() {
        List<Input> batch = new ArrayList<>();
        List<Propose> proposeBatch = new ArrayList<>();
        long nextTick = System.nanoTime() + tickNanos;
        try {
            while (running) {
                long wait = nextTick - System.nanoTime();
                Input first = wait > 0 ? inputs.poll(wait, TimeUnit.NANOSECONDS) : inputs.poll();
                if (first != null) {
                    batch.add(first);
                    inputs.drainTo(batch, MAX_INPUTS_PER_STEP - 1);
                }
                for (Input input : batch) {
                    if (input instanceof Propose p) {
                        proposeBatch.add(p); // one propose() call for the lot: one append, one fsync
                    } else {
                        handle(input);
                    }
                }
                batch.clear();
                if (!proposeBatch.isEmpty()) {
                    proposeAll(proposeBatch);
                    proposeBatch.clear();
                }
                long now = System.nanoTime();
                for (int i = 0; now - nextTick >= 0; i++) {
                    if (i == MAX_CATCH_UP_TICKS) {
                        nextTick = now + tickNanos;
                        break;
                    }
                    node.tick();
                    nextTick += tickNanos;
                }
                while (node.hasReady()) {
                    handleReady(node.ready());
                }
                publishState();
                maybeSnapshot();
                if (node.role() == Role.LEADER) {
                    observerFetches.serveWaiting(appliedIndex, System.nanoTime());
                } else {
                    onNotLeader();
                }
            }
        } catch (InterruptedException e) {
            // close(): fall through to the cleanup
        } catch (RuntimeException | Error e) {
            // Storage failed or an invariant broke: continuing could acknowledge what is not durable.
            log.error("Raft node {} stopped on an unexpected error", config.nodeId(), e);
            running = false;
        } finally {
            failAllPending(new IllegalStateException("Raft node " + config.nodeId() + " is closed"));
        }
    }

    private void publishState() {
        commitIndex = node.commitIndex();
        role = node.role();
        leaderId = node.leaderId();
        term = node.term();
    }

    private void handle(Input input) {
        if (input instanceof Inbound in) {
            try {
                node.step(in.message());
            } catch (IllegalArgumentException e) {
                log.warn("Raft node {} dropped a message it cannot take: {}", config.nodeId(), e.getMessage());
            }
        } else if (input instanceof Read r) {
            long ctx = ++nextReadCtx;
            ReadIndexResult result = node.readIndex(ctx);
            if (result instanceof NotLeader nl) {
                r.result().completeExceptionally(notLeader(nl.leaderHint()));
            } else {
                readsAwaitingConfirmation.put(ctx, r.result());
            }
        } else if (input instanceof Describe d) {
            describe(d.result());
        } else if (input instanceof Fetch f) {
            if (node.role() == Role.LEADER) {
                observerFetches.fetch(f.request(), f.result(), appliedIndex, System.nanoTime());
            } else {
                f.result().completeExceptionally(notLeader(node.leaderId()));
            }
        }
    }

    private void proposeAll(List<Propose> batch) {
        List<byte[]> data = new ArrayList<>(batch.size());
        for (Propose p : batch) {
            data.add(p.data());
        }
        ProposeResult result = node.propose(data);
        if (result instanceof ProposeResult.Accepted a) {
            for (int i = 0; i < batch.size(); i++) {
                proposals.put(a.firstIndex() + i, new PendingProposal(a.term(), batch.get(i).result()));
            }
        } else if (result instanceof NotLeader nl) {
            NotLeaderException e = notLeader(nl.leaderHint());
            batch.forEach(p -> p.result().completeExceptionally(e));
        } else if (result instanceof ProposeResult.Throttled t) {
            QuorumOverloadedException e = new QuorumOverloadedException("Raft leader " + config.nodeId()
                    + " holds " + t.uncommittedBytes() + " uncommitted bytes, the limit of "
                    + raftConfig.maxUncommittedBytes() + ": the followers are behind");
            batch.forEach(p -> p.result().completeExceptionally(e));
        } else {
            IllegalStateException e = new IllegalStateException("unexpected propose result " + result);
            batch.forEach(p -> p.result().completeExceptionally(e));
        }
    }

    private void handleReady(Ready ready) {
        if (ready.mustPersist()) {
            storage.persist(ready.snapshot(), ready.entries(), ready.hardState());
        }
        transport.send(ready.messages());
        if (ready.snapshot().isPresent()) {
            Snapshot s = ready.snapshot().get();
            stateMachine.restore(s.data());
            appliedIndex = s.index();
            failProposalsUpTo(s.index());
        }
        for (Entry e : ready.committedEntries()) {
            if (e.type() == Entry.Type.NORMAL) {
                stateMachine.apply(e);
            }
            appliedIndex = e.index();
            completeProposal(e);
        }
        for (ReadState rs : ready.readStates()) {
            CompletableFuture<Long> read = readsAwaitingConfirmation.remove(rs.requestCtx());
            if (read != null) {
                readsAwaitingApply.add(new ConfirmedRead(rs.readIndex(), read));
            }
        }
        readsAwaitingApply.removeIf(r -> r.index() <= appliedIndex && r.result().complete(r.index()));
        node.advance(ready);
    }

    private void completeProposal(Entry applied) {
        // Anything below is settled too: a gap means those entries were replaced under a snapshot.
        while (!proposals.isEmpty() && proposals.firstKey() <= applied.index()) {
            Map.Entry<Long, PendingProposal> first = proposals.pollFirstEntry();
            PendingProposal p = first.getValue();
            if (first.getKey() == applied.index() && p.term() == applied.term()) {
                p.result().complete(applied.index());
            } else {
                p.result().completeExceptionally(new ProposalLostException(first.getKey(), p.term()));
            }
        }
    }

    private void failProposalsUpTo(long index) {
        while (!proposals.isEmpty() && proposals.firstKey() <= index) {
            Map.Entry<Long, PendingProposal> first = proposals.pollFirstEntry();
            first.getValue().result().completeExceptionally(new ProposalLostException(first.getKey(),
                    first.getValue().term()));
        }
    }

    private void onNotLeader() {
        if (!readsAwaitingConfirmation.isEmpty()) {
            NotLeaderException e = notLeader(node.leaderId());
            readsAwaitingConfirmation.values().forEach(r -> r.completeExceptionally(e));
            readsAwaitingConfirmation.clear();
        }
        if (!observerFetches.isIdle()) {
            observerFetches.reset(notLeader(node.leaderId()));
        }
    }

    private void maybeSnapshot() {
        long applied = appliedIndex;
        if (applied - storage.snapshot().index() < config.snapshotIntervalEntries()) {
            return;
        }
        storage.createSnapshot(applied, raftConfig.voters(), stateMachine.snapshot());
        long compactTo = applied - config.snapshotRetainedEntries();
        if (compactTo >= storage.firstIndex()) {
            storage.compact(compactTo);
        }
        log.debug("Raft node {} snapshotted at {}, log now starts at {}", config.nodeId(), applied,
                storage.firstIndex());
    }

    private void describe(CompletableFuture<QuorumInfo> result) {
        QuorumStatus status = node.status();
        if (status.role() != Role.LEADER) {
            result.completeExceptionally(notLeader(status.leaderId()));
            return;
        }
        long nowMs = System.currentTimeMillis();
        List<QuorumInfo.ReplicaState> voters = new ArrayList<>();
        for (QuorumStatus.Replica r : status.replicas()) {
            long contact = r.lastContactTick() < 0 ? -1
                    : nowMs - (status.nowTick() - r.lastContactTick()) * config.tickMs();
            QuorumInfo.ReplicaState row = new QuorumInfo.ReplicaState(r.nodeId(), r.matchIndex(), r.lag(), contact);
            if (r.voter()) {
                voters.add(row);
            }
        }
        result.complete(new QuorumInfo(status.leaderId(), status.term(), status.commitIndex(), voters,
                observerFetches.observers(status.lastIndex(), System.nanoTime())));
    }

    private NotLeaderException notLeader(int leaderId) {
        return new NotLeaderException(config.nodeId(), leaderId, config.voters().get(leaderId));
    }

    private void failAllPending(RuntimeException e) {
        proposals.values().forEach(p -> p.result().completeExceptionally(e));
        proposals.clear();
        readsAwaitingConfirmation.values().forEach(r -> r.completeExceptionally(e));
        readsAwaitingConfirmation.clear();
        readsAwaitingApply.forEach(r -> r.result().completeExceptionally(e));
        readsAwaitingApply.clear();
        observerFetches.reset(e);
        failQueued(e);
    }

    /** Fails the requests still queued; runs when the driver stops and again after close() joined it. */
    private void failQueued(RuntimeException e) {
        List<Input> left = new ArrayList<>();
        inputs.drainTo(left);
        for (Input input : left) {
            if (input instanceof Propose p) {
                p.result().completeExceptionally(e);
            } else if (input instanceof Read r) {
                r.result().completeExceptionally(e);
            } else if (input instanceof Describe d) {
                d.result().completeExceptionally(e);
            } else if (input instanceof Fetch f) {
                f.result().completeExceptionally(e);
            }
        }
    }

    /**
     * Stops serving, stops the driver thread (bounded wait), fails whatever is pending, closes the peer
     * streams and channels, then the storage. Does not close the listener, which the node owns.
     */
    @Override
    public void close() {
        running = false;
        listener.removeService(service);
        driver.interrupt();
        try {
            driver.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (driver.isAlive()) {
            log.error("Raft driver of node {} did not stop within 10 s; leaving its storage open", config.nodeId());
            transport.close();
            return;
        }
        // A request offered while the driver was stopping would otherwise wait forever.
        failQueued(new IllegalStateException("Raft node " + config.nodeId() + " is closed"));
        transport.close();
        storage.close();
        log.info("Raft node {} closed", config.nodeId());
    }
}
