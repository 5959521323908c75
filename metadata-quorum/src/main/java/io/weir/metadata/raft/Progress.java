package io.weir.metadata.raft;

import java.util.ArrayDeque;

/**
 * The leader's view of one follower or observer. Confined to the thread that drives the leader's
 * {@link RaftNode}; discarded when leadership ends.
 */
final class Progress {

    enum State {
        /** The match point is unknown: one AppendEntries at a time until the follower accepts one. */
        PROBE,
        /** The follower is in sync: AppendEntries are pipelined, up to the in-flight limit. */
        REPLICATE,
        /** The follower needs compacted entries: a snapshot is being sent in chunks. */
        SNAPSHOT
    }

    final int id;
    final boolean voter;
    long match;
    long next;
    State state = State.PROBE;
    /** In PROBE: an append is out and unanswered, so wait for its answer or the next heartbeat. */
    boolean probeSent;
    /** When the leader last heard from this node in its term, -1 if never. */
    long lastContactTick = -1;
    /** The highest ReadIndex heartbeat round this follower has echoed in this term. */
    long readRoundAcked;
    /** Last indexes of unanswered AppendEntries in REPLICATE, oldest first. */
    final ArrayDeque<Long> inflight = new ArrayDeque<>();
    Snapshot pendingSnapshot;
    long snapshotOffset;
    long snapshotSentTick;

    Progress(int id, boolean voter, long next) {
        this.id = id;
        this.voter = voter;
        this.next = next;
    }

    /** A successful append up to {@code index}; returns whether the match point moved. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * A rejection of the append whose previous index was {@code rejected}; {@code hintNext} is the next
     * index fast backoff suggests. Returns false for a stale rejection (one answering an older request).
     */
    boolean maybeDecreaseTo(long rejected, long hintNext) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, hintNext), match + 1);
        probeSent = false;
        return true;
    }

    void becomeProbe() {
        if (state == State.SNAPSHOT) {
            next = Math.max(match + 1, pendingSnapshot.index() + 1);
        } else {
            next = match + 1;
        }
        state = State.PROBE;
        probeSent = false;
        pendingSnapshot = null;
        inflight.clear();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        next = match + 1;
        inflight.clear();
    }

    void becomeSnapshot(Snapshot snapshot, long nowTick) {
        state = State.SNAPSHOT;
        pendingSnapshot = snapshot;
        snapshotOffset = 0;
        snapshotSentTick = nowTick;
        inflight.clear();
    }

    boolean isPaused(int maxInflight) {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflight.size() >= maxInflight;
            case SNAPSHOT -> true;
        };
    }

    void freeInflightTo(long index) {
        while (!inflight.isEmpty() && inflight.peekFirst() <= index) {
            inflight.pollFirst();
        }
    }
}
