package io.weir.metadata.controller.server;

import io.weir.metadata.controller.ControllerConfig;
import io.weir.metadata.controller.ControllerLogic;
import io.weir.metadata.controller.ControllerResult;
import io.weir.metadata.image.MetadataImage;
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.MetadataRecordBatch;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-thread half of {@link QuorumController}, with no threads, clocks or I/O of its own, so the Raft
 * controller simulation drives exactly the code that runs in production. The caller feeds it, from one
 * thread: the Raft role and term with the time ({@link #onRaftState}, which also runs the periodic tasks),
 * each committed batch with the image after it ({@link #onCommitted}), snapshots installed
 * ({@link #onRestored}), failed proposals ({@link #onProposeFailed}) and requests ({@link #submit}).
 *
 * <p>Activation, the last written image and when responses go out are described on
 * {@link QuorumController}.
 */
public final class QuorumControllerCore {

    private static final Logger log = LoggerFactory.getLogger(QuorumControllerCore.class);

    /** Hands one encoded batch to Raft; a failure must come back through {@link #onProposeFailed}. */
    @FunctionalInterface
    public interface Proposer {
        void propose(byte[] batch, long generation);
    }

    /** One controller decision against the last written image. */
    @FunctionalInterface
    public interface Operation<T> {
        ControllerResult<T> run(ControllerLogic logic, MetadataImage lastWritten, long nowMs);
    }

    private enum State { INACTIVE, ACTIVATING, ACTIVE }

    private record Waiter<T>(long seq, CompletableFuture<T> future, T response) {
        void complete() {
            future.complete(response);
        }
    }

    private final int nodeId;
    private final ControllerConfig config;
    private final ControllerTimings timings;
    private final RandomGenerator random;
    private final Proposer proposer;
    private final Supplier<RuntimeException> notController;

    // All owned by the caller's one thread.
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

    /**
     * @param notController the exception for a request this node cannot serve now, naming the leader
     */
    public QuorumControllerCore(int nodeId, ControllerConfig config, ControllerTimings timings,
                                RandomGenerator random, Proposer proposer, Supplier<RuntimeException> notController) {
        this.nodeId = nodeId;
        this.config = config;
        this.timings = timings;
        this.random = random;
        this.proposer = proposer;
        this.notController = notController;
    }

    public boolean isActive() {
        return state == State.ACTIVE;
    }

    public void onCommitted(MetadataRecordBatch batch, MetadataImage image) {
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
            log.info("Controller {} is active in term {} at metadata offset {}", nodeId, activeTerm,
                    committed.offset());
        }
        while (!waiters.isEmpty() && waiters.peekFirst().seq() <= lastCommittedSeq) {
            waiters.pollFirst().complete();
        }
        if (state == State.ACTIVE && lastCommittedSeq == lastProposedSeq) {
            lastWritten = committed; // same content; takes the committed offset
        }
    }

    public void onRestored(MetadataImage image) {
        committed = image;
        deactivate("a snapshot replaced the state");
    }

    /** A proposal of {@code generation} failed (not leader, overloaded, overwritten by another leader). */
    public void onProposeFailed(long failedGeneration, Throwable error) {
        if (failedGeneration == generation) {
            deactivate("a proposal failed: " + error);
        }
    }

    /** Follows the Raft role: activates on leading a new term, deactivates on losing it; runs periodic work. */
    public void onRaftState(boolean leader, long term, long nowMs) {
        if (state != State.INACTIVE && (!leader || term != activeTerm)) {
            deactivate("no longer the Raft leader of term " + activeTerm);
        }
        if (state == State.INACTIVE && leader) {
            state = State.ACTIVATING;
            activeTerm = term;
            generation++;
            lastProposedSeq = 0;
            lastCommittedSeq = 0;
            nextFenceCheckMs = nowMs + timings.fenceCheckIntervalMs();
            nextImbalanceCheckMs = nowMs + timings.leaderImbalanceCheckIntervalMs();
            activationSeq = propose(List.of());
        }
        if (state == State.ACTIVE && nowMs >= nextFenceCheckMs) {
            nextFenceCheckMs = nowMs + timings.fenceCheckIntervalMs();
            List<Integer> fenced = write(logic.fenceStaleBrokers(lastWritten, nowMs));
            if (!fenced.isEmpty()) {
                log.info("Controller {} fenced brokers {}: no heartbeat within {} ms", nodeId, fenced,
                        config.brokerSessionTimeoutMs());
            }
        }
        if (state == State.ACTIVE && nowMs >= nextImbalanceCheckMs) {
            nextImbalanceCheckMs = nowMs + timings.leaderImbalanceCheckIntervalMs();
            write(logic.maybeBalancePartitionLeaders(lastWritten));
        }
    }

    /**
     * Runs {@code op} if active, else fails {@code future} with the not-controller exception. The future
     * completes once the decision's records and every record proposed before them have committed.
     */
    public <T> void submit(Operation<T> op, long nowMs, CompletableFuture<T> future) {
        if (state != State.ACTIVE) {
            future.completeExceptionally(notController.get());
            return;
        }
        T response;
        try {
            response = write(op.run(logic, lastWritten, nowMs));
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

    /** Fails every waiting request (the controller is closing). */
    public void failAll(RuntimeException e) {
        while (!waiters.isEmpty()) {
            waiters.pollFirst().future().completeExceptionally(e);
        }
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
        failAll(notController.get());
    }

    private long propose(List<MetadataRecord> records) {
        long seq = ++lastProposedSeq;
        proposer.propose(MetadataRecordBatch.newBuilder()
                .setWriterId(nodeId).setTerm(activeTerm).setGeneration(generation).setSequence(seq)
                .addAllRecords(records).build().toByteArray(), generation);
        return seq;
    }

    private <T> T write(ControllerResult<T> result) {
        if (!result.records().isEmpty()) {
            lastWritten = lastWritten.apply(result.records(), lastWritten.offset());
            propose(result.records());
        }
        return result.response();
    }
}
