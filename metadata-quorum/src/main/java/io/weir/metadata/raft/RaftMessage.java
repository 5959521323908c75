package io.weir.metadata.raft;

import java.util.Arrays;
import java.util.List;

/**
 * The messages Raft nodes exchange. Plain immutable records so the runtime can map each one to a protobuf
 * message one to one. Every message carries the sender's term; a receiver first reconciles terms (see
 * {@link RaftNode#step}) and only then looks at the payload.
 */
public sealed interface RaftMessage {

    int from();

    int to();

    long term();

    /**
     * Asks for a vote. With {@code preVote} the sender has not incremented its term: {@code term} is the
     * term it would campaign in, and granting changes nothing on the receiver (Raft thesis §9.6).
     */
    record VoteRequest(int from, int to, long term, long lastLogIndex, long lastLogTerm, boolean preVote)
            implements RaftMessage {
    }

    /** A granted pre-vote carries the requested term; a rejection carries the voter's own term. */
    record VoteResponse(int from, int to, long term, boolean granted, boolean preVote) implements RaftMessage {
    }

    record AppendRequest(int from, int to, long term, long prevLogIndex, long prevLogTerm, List<Entry> entries,
                         long leaderCommit) implements RaftMessage {
        public AppendRequest {
            entries = List.copyOf(entries);
        }
    }

    /**
     * On success {@code index} is the last index known to match the leader's log. On rejection it is the
     * {@code prevLogIndex} that did not match, and {@code (rejectHintIndex, rejectHintTerm)} is the
     * follower's last entry at or below it whose term is at most the leader's {@code prevLogTerm}: the
     * leader can skip every index above the hint in one round trip (fast backoff).
     */
    record AppendResponse(int from, int to, long term, boolean success, long index, long rejectHintIndex,
                          long rejectHintTerm) implements RaftMessage {
        public static AppendResponse accept(int from, int to, long term, long matchIndex) {
            return new AppendResponse(from, to, term, true, matchIndex, 0, 0);
        }
    }

    /**
     * Leader liveness plus the commit index (capped at what the follower is known to have). A non-zero
     * {@code readRound} asks the follower to echo it so the leader can confirm it still leads (ReadIndex).
     */
    record HeartbeatRequest(int from, int to, long term, long commit, long readRound) implements RaftMessage {
    }

    record HeartbeatResponse(int from, int to, long term, long readRound) implements RaftMessage {
    }

    /** One chunk of a snapshot, sent strictly in order; {@code done} marks the last chunk. */
    record InstallSnapshotRequest(int from, int to, long term, long snapshotIndex, long snapshotTerm,
                                  List<Integer> voters, long offset, byte[] chunk, boolean done)
            implements RaftMessage {
        public InstallSnapshotRequest {
            voters = List.copyOf(voters);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InstallSnapshotRequest r && from == r.from && to == r.to && term == r.term
                    && snapshotIndex == r.snapshotIndex && snapshotTerm == r.snapshotTerm
                    && voters.equals(r.voters) && offset == r.offset && done == r.done
                    && Arrays.equals(chunk, r.chunk);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(snapshotIndex) * 31 * 31 + Long.hashCode(offset) * 31 + Arrays.hashCode(chunk);
        }

        @Override
        public String toString() {
            return "InstallSnapshotRequest[" + from + "->" + to + " term=" + term + " snapshot=" + snapshotTerm
                    + "/" + snapshotIndex + " offset=" + offset + " " + chunk.length + "B done=" + done + "]";
        }
    }

    /**
     * {@code nextOffset} is how many bytes of snapshot {@code snapshotIndex} the follower holds (the next
     * chunk it expects). When {@code done}, the follower has installed the snapshot (or already had
     * everything it covers) and its log matches the leader's up to {@code matchIndex}.
     */
    record InstallSnapshotResponse(int from, int to, long term, long snapshotIndex, long nextOffset, boolean done,
                                   long matchIndex) implements RaftMessage {
    }
}
