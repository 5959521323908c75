package io.weir.metadata.raft;

import java.util.Arrays;
import java.util.List;

/**
 * A state-machine snapshot that replaces the log up to and including {@code index}.
 *
 * @param index the last log index the snapshot covers (0 for the empty initial snapshot)
 * @param term the term of the entry at {@code index}
 * @param voters the voter ids of the configuration the snapshot was taken in
 * @param data the state machine's serialised state, opaque to Raft
 */
public record Snapshot(long index, long term, List<Integer> voters, byte[] data) {

    public static final Snapshot EMPTY = new Snapshot(0, 0, List.of(), new byte[0]);

    public Snapshot {
        if (index < 0 || term < 0 || (index == 0) != (term == 0)) {
            throw new IllegalArgumentException("invalid snapshot index " + index + " term " + term);
        }
        voters = List.copyOf(voters);
        if (data == null) {
            throw new IllegalArgumentException("snapshot data must not be null");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot s && index == s.index && term == s.term && voters.equals(s.voters)
                && Arrays.equals(data, s.data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Snapshot[" + term + "/" + index + " voters=" + voters + " " + data.length + "B]";
    }
}
