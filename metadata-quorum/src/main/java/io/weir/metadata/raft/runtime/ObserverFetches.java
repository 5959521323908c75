package io.weir.metadata.raft.runtime;

import com.google.protobuf.UnsafeByteOperations;
import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.Snapshot;
import io.weir.proto.v1.FetchCommittedRequest;
import io.weir.proto.v1.FetchCommittedResponse;
import io.weir.proto.v1.RaftLeader;
import io.weir.proto.v1.SnapshotChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The leader's side of {@code FetchCommitted}: serves observers from the applied log (every applied entry is
 * committed and persisted here) or the snapshot when they are below the log start, holds fetches that find
 * nothing new until something is applied or their wait expires, and remembers each observer's position
 * for the quorum status. Confined to the runtime's driver thread, and used only while it leads.
 */
final class ObserverFetches {

    private static final int MAX_FETCH_BYTES = 1 << 20;
    /** An observer silent for this many fetch timeouts has gone away and leaves the quorum status. */
    private static final int EXPIRY_FETCH_TIMEOUTS = 10;

    private final int leaderId;
    private final QuorumConfig config;
    private final KvRaftStorage storage;
    private final int snapshotChunkBytes;
    private final List<Waiting> waiting = new ArrayList<>(); // driver thread only
    private final TreeMap<Integer, Progress> observers = new TreeMap<>(); // driver thread only

    private record Waiting(FetchCommittedRequest request, CompletableFuture<FetchCommittedResponse> result,
                           long deadlineNanos) {
    }

    private record Progress(long logEndOffset, long lastContactMs, long lastContactNanos) {
    }

    ObserverFetches(QuorumConfig config, KvRaftStorage storage, int snapshotChunkBytes) {
        this.leaderId = config.nodeId();
        this.config = config;
        this.storage = storage;
        this.snapshotChunkBytes = snapshotChunkBytes;
    }

    /** Answers now, or parks the fetch when it asks beyond {@code applied} and may wait. */
    void fetch(FetchCommittedRequest req, CompletableFuture<FetchCommittedResponse> result, long applied,
               long nowNanos) {
        observers.put(req.getObserverId(), new Progress(Math.max(0, req.getFetchIndex() - 1),
                System.currentTimeMillis(), nowNanos));
        if (req.getFetchIndex() > applied && req.getMaxWaitMs() > 0) {
            long wait = Math.min(req.getMaxWaitMs(), config.fetchTimeoutMs());
            waiting.add(new Waiting(req, result, nowNanos + TimeUnit.MILLISECONDS.toNanos(wait)));
        } else {
            result.complete(answer(req, applied));
        }
    }

    /** Answers the parked fetches that something new was applied for, or whose wait is over. */
    void serveWaiting(long applied, long nowNanos) {
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (w.request().getFetchIndex() <= applied || nowNanos - w.deadlineNanos() >= 0 || w.result().isDone()) {
                it.remove();
                w.result().complete(answer(w.request(), applied));
            }
        }
    }

    /** Whether no fetch waits and no observer is remembered. */
    boolean isIdle() {
        return waiting.isEmpty() && observers.isEmpty();
    }

    /** Leadership ended or the node closes: parked fetches fail, observers are forgotten. */
    void reset(RuntimeException e) {
        waiting.forEach(w -> w.result().completeExceptionally(e));
        waiting.clear();
        observers.clear();
    }

    /** One row per observer heard from recently, ascending by id. */
    List<QuorumInfo.ReplicaState> observers(long leaderLastIndex, long nowNanos) {
        long expiredBefore = nowNanos - TimeUnit.MILLISECONDS.toNanos(EXPIRY_FETCH_TIMEOUTS * config.fetchTimeoutMs());
        observers.values().removeIf(o -> o.lastContactNanos() - expiredBefore < 0);
        List<QuorumInfo.ReplicaState> rows = new ArrayList<>();
        observers.forEach((id, o) -> rows.add(new QuorumInfo.ReplicaState(id, o.logEndOffset(),
                Math.max(0, leaderLastIndex - o.logEndOffset()), o.lastContactMs())));
        return rows;
    }

    private FetchCommittedResponse answer(FetchCommittedRequest req, long applied) {
        FetchCommittedResponse.Builder b = FetchCommittedResponse.newBuilder().setHighWatermark(applied)
                .setLeader(RaftLeader.newBuilder().setId(leaderId));
        long fetchIndex = Math.max(1, req.getFetchIndex());
        if (fetchIndex < storage.firstIndex()) {
            Snapshot s = storage.snapshot();
            int offset = req.getSnapshotIndex() == s.index()
                    ? (int) Math.min(Math.max(0, req.getSnapshotOffset()), s.data().length) : 0;
            int end = Math.min(s.data().length, offset + snapshotChunkBytes);
            b.setSnapshot(SnapshotChunk.newBuilder().setIndex(s.index()).setTerm(s.term())
                    .addAllVoters(s.voters()).setOffset(offset)
                    .setData(UnsafeByteOperations.unsafeWrap(Arrays.copyOfRange(s.data(), offset, end)))
                    .setDone(end == s.data().length));
        } else if (fetchIndex <= applied) {
            int maxBytes = req.getMaxBytes() > 0 ? Math.min(req.getMaxBytes(), MAX_FETCH_BYTES) : MAX_FETCH_BYTES;
            for (Entry e : storage.entries(fetchIndex, applied + 1, maxBytes)) {
                b.addEntries(RaftCodec.toProto(e));
            }
        }
        return b.build();
    }
}
