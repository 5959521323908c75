package io.weir.storage.kv;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One key/value pair read from a {@link KvStore}. Immutable: the arrays are copied on the way in and out,
 * which is cheap for the small state this store holds and keeps a caller from corrupting a shared entry.
 */
public record KvEntry(byte[] key, byte[] value) {

    public KvEntry {
        key = key.clone();
        value = value.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvEntry other && Arrays.equals(key, other.key) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "KvEntry[key=" + HexFormat.of().formatHex(key) + ", value=" + value.length + " bytes]";
    }
}
