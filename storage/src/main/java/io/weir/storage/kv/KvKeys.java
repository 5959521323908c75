package io.weir.storage.kv;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Key encodings that sort correctly under RocksDB's default bytewise comparator, which compares keys as
 * unsigned bytes, lexicographically.
 *
 * <p>Longs are encoded big-endian in 8 bytes, so non-negative values sort numerically: the Raft log keys
 * entries by index this way and relies on ordered scans and {@link KvStore#last}. Negative values are
 * rejected rather than encoded, because two's complement puts their sign bit first and they would sort
 * after every non-negative value; Raft indexes and terms are never negative, so a negative key is a bug
 * (typically a -1 "none" sentinel) and is better caught at the call site.
 */
public final class KvKeys {
    public static final int LONG_KEY_BYTES = Long.BYTES;

    private KvKeys() {
    }

    /** The 8-byte big-endian key of {@code value}, which must be {@code >= 0}. */
    public static byte[] ofLong(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("Long keys must be non-negative to sort in numeric order, got " + value);
        }
        byte[] key = new byte[LONG_KEY_BYTES];
        for (int i = LONG_KEY_BYTES - 1; i >= 0; i--) {
            key[i] = (byte) value;
            value >>>= 8;
        }
        return key;
    }

    /** Decodes a key written by {@link #ofLong}. */
    public static long toLong(byte[] key) {
        if (key.length != LONG_KEY_BYTES) {
            throw new IllegalArgumentException(
                "A long key has " + LONG_KEY_BYTES + " bytes, got " + key.length + ": " + HexFormat.of().formatHex(key));
        }
        long value = 0;
        for (byte b : key) {
            value = (value << 8) | (b & 0xFF);
        }
        if (value < 0) {
            throw new IllegalArgumentException("Not a non-negative long key: " + HexFormat.of().formatHex(key));
        }
        return value;
    }

    /**
     * The smallest key greater than every key that starts with {@code prefix}, or null when none exists
     * (empty prefix or all 0xFF bytes), which makes it the exclusive upper bound of a prefix scan.
     */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }
}
