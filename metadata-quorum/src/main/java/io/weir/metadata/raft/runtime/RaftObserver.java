package io.weir.metadata.raft.runtime;

import io.grpc.StatusRuntimeException;
import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.RaftNode;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchCommittedRequest;
import io.weir.proto.v1.FetchCommittedResponse;
import io.weir.proto.v1.RaftEntry;
import io.weir.proto.v1.RaftLeader;
import io.weir.proto.v1.RaftServiceGrpc;
import io.weir.proto.v1.SnapshotChunk;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A non-voting follower of the committed log: how brokers get cluster metadata. It pulls with
 * {@code FetchCommitted} from the leader (following NOT_CONTROLLER redirects, trying the voters in turn
 * when none answers), applies entries to its {@link StateMachine}, and installs the leader's snapshot when
 * its position is below the leader's log start. Pulling, rather than being pushed to as the core's static
 * observers are, means the quorum need not know its brokers in advance; each fetch also tells the leader
 * the observer's position for the quorum status.
 *
 * <p>Keeps nothing on disk: a restarted observer starts from the leader's snapshot. One fetcher thread
 * owns the state machine and the fields documented as "fetcher thread".
 */
public final class RaftObserver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RaftObserver.class);
    private static final int MAX_FETCH_BYTES = 1 << 20;

    private final QuorumConfig config;
    private final StateMachine stateMachine;
    private final VoterChannels channels;
    private final Thread fetcher;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean running = true;
    /** Written by the fetcher thread, read by anyone. */
    private volatile long appliedIndex;
    private volatile long highWatermark;
    private volatile int leaderId = RaftNode.NO_LEADER;

    // Fetcher thread only: the snapshot being received in chunks, if any.
    private long receivingSnapshotIndex;
    private ByteArrayOutputStream receivingSnapshot;

    private RaftObserver(QuorumConfig config, StateMachine stateMachine) {
        this.config = config;
        this.stateMachine = stateMachine;
        this.channels = new VoterChannels(config.voters());
        this.fetcher = new Thread(this::run, "raft-observer-" + config.nodeId());
    }

    public static RaftObserver start(QuorumConfig config, StateMachine stateMachine) {
        if (config.isVoter()) {
            throw new IllegalArgumentException("node " + config.nodeId() + " is a voter; voters run a RaftRuntime");
        }
        RaftObserver observer = new RaftObserver(config, stateMachine);
        observer.fetcher.start();
        return observer;
    }

    /** The last entry applied to the state machine. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** The leader's high watermark at the last successful fetch. */
    public long highWatermark() {
        return highWatermark;
    }

    /** The voter that answered the last fetch as leader, {@link RaftNode#NO_LEADER} before any. */
    public int leaderId() {
        return leaderId;
    }

    private void run() {
        int next = config.voters().firstKey(); // the voter to ask after a failure, in turn
        Endpoint target = channels.endpoint(next);
        int failures = 0;
        long maxWaitMs = Math.max(1, config.fetchTimeoutMs() / 2);
        while (running) {
            FetchCommittedRequest request = FetchCommittedRequest.newBuilder()
                    .setObserverId(config.nodeId())
                    .setFetchIndex(appliedIndex + 1)
                    .setMaxWaitMs((int) Math.min(Integer.MAX_VALUE, maxWaitMs))
                    .setMaxBytes(MAX_FETCH_BYTES)
                    .setSnapshotIndex(receivingSnapshot == null ? 0 : receivingSnapshotIndex)
                    .setSnapshotOffset(receivingSnapshot == null ? 0 : receivingSnapshot.size())
                    .build();
            FetchCommittedResponse response;
            try {
                response = RaftServiceGrpc.newBlockingStub(channels.channel(target))
                        .withDeadlineAfter(config.fetchTimeoutMs(), TimeUnit.MILLISECONDS)
                        .fetchCommitted(request);
            } catch (StatusRuntimeException e) {
                log.debug("Observer {}: fetch from {} failed: {}", config.nodeId(), target, e.getStatus());
                next = channels.next(next);
                target = channels.endpoint(next);
                backOff(++failures);
                continue;
            }
            if (response.getErrorCode() != ErrorCode.NONE) {
                RaftLeader hint = response.getLeader();
                Endpoint hinted = response.getErrorCode() == ErrorCode.NOT_CONTROLLER && hint.getId() >= 0
                        && !hint.getHost().isEmpty() ? new Endpoint(hint.getHost(), hint.getPort()) : null;
                if (hinted != null && !hinted.equals(target)) {
                    target = hinted;
                } else {
                    if (response.getErrorCode() != ErrorCode.NOT_CONTROLLER) {
                        log.warn("Observer {}: fetch from {} failed with {}: {}", config.nodeId(), target,
                                response.getErrorCode(), response.getErrorMessage());
                    }
                    next = channels.next(next);
                    target = channels.endpoint(next);
                }
                backOff(++failures);
                continue;
            }
            failures = 0;
            leaderId = response.getLeader().getId();
            highWatermark = response.getHighWatermark();
            if (response.hasSnapshot()) {
                acceptSnapshotChunk(response.getSnapshot());
            } else {
                applyEntries(response);
            }
        }
    }

    private void acceptSnapshotChunk(SnapshotChunk chunk) {
        if (chunk.getOffset() == 0) {
            receivingSnapshotIndex = chunk.getIndex();
            receivingSnapshot = new ByteArrayOutputStream();
        } else if (receivingSnapshot == null || chunk.getIndex() != receivingSnapshotIndex
                || chunk.getOffset() != receivingSnapshot.size()) {
            receivingSnapshot = null; // the leader moved to a newer snapshot: start over
            return;
        }
        receivingSnapshot.writeBytes(chunk.getData().toByteArray());
        if (chunk.getDone()) {
            stateMachine.restore(receivingSnapshot.toByteArray());
            appliedIndex = chunk.getIndex();
            receivingSnapshot = null;
            log.info("Observer {} installed the snapshot at index {}", config.nodeId(), appliedIndex);
        }
    }

    private void applyEntries(FetchCommittedResponse response) {
        for (RaftEntry raw : response.getEntriesList()) {
            Entry e = RaftCodec.fromProto(raw);
            if (e.index() != appliedIndex + 1) {
                log.warn("Observer {}: expected index {}, the leader sent {}; fetching again", config.nodeId(),
                        appliedIndex + 1, e.index());
                return;
            }
            if (e.type() == Entry.Type.NORMAL) {
                stateMachine.apply(e);
            }
            appliedIndex = e.index();
        }
    }

    /** After a failed round over all voters, waits a little (at most a second) or until closed. */
    private void backOff(int failures) {
        if (failures % channels.size() != 0) {
            return;
        }
        long waitMs = Math.min(1000, config.tickMs() * Math.min(failures, 20));
        try {
            closing.await(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        closing.countDown();
        fetcher.interrupt();
        try {
            fetcher.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channels.close();
    }
}
