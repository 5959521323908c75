package io.weir.metadata.raft;

import java.util.Arrays;

/**
 * One log entry. The payload array is shared, never copied: nobody mutates it after proposing.
 *
 * @param term the leader term in which the entry was proposed
 * @param index the entry's position in the log, starting at 1
 * @param type NORMAL for application data, NOOP for the empty entry a leader appends when its term starts
 * @param data the application payload, empty for NOOP
 */
public record Entry(long term, long index, Type type, byte[] data) {

    public enum Type { NORMAL, NOOP }

    private static final byte[] EMPTY = new byte[0];

    public Entry {
        if (term < 1 || index < 1) {
            throw new IllegalArgumentException("entry term and index must be >= 1, was term " + term + " index " + index);
        }
        if (type == null || data == null) {
            throw new IllegalArgumentException("entry type and data must not be null");
        }
    }

    public static Entry noop(long term, long index) {
        return new Entry(term, index, Type.NOOP, EMPTY);
    }

    /** Approximate bytes this entry costs in an AppendEntries request, used for batching limits. */
    public int sizeBytes() {
        return data.length + 24;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && term == e.term && index == e.index && type == e.type
                && Arrays.equals(data, e.data);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(term) * 31 * 31 + Long.hashCode(index) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Entry[" + term + "/" + index + " " + type + " " + data.length + "B]";
    }
}
