package io.weir.storage.kv;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.rocksdb.WriteBatch;

/**
 * Puts and deletes, possibly over several column families, that {@link KvStore#write} applies atomically.
 * Built by one thread; holds native memory until closed (closing the store closes it too).
 */
public final class KvWriteBatch implements AutoCloseable {
    private final KvStore store;
    private final WriteBatch batch = new WriteBatch(); // owner thread only; used under the store's lock
    private final Set<String> columnFamilies = new TreeSet<>(); // owner thread only: names them in errors
    private boolean closed; // set by the owner thread, or by the store closing under its write lock

    KvWriteBatch(KvStore store) {
        this.store = store;
    }

    public KvWriteBatch put(String cf, byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return add("batch put", cf, handle -> {
            batch.put(handle, key, value);
            return null;
        });
    }

    public KvWriteBatch delete(String cf, byte[] key) {
        Objects.requireNonNull(key, "key");
        return add("batch delete", cf, handle -> {
            batch.delete(handle, key);
            return null;
        });
    }

    /** Deletes every key {@code k} with {@code fromInclusive <= k < toExclusive}. */
    public KvWriteBatch deleteRange(String cf, byte[] fromInclusive, byte[] toExclusive) {
        Objects.requireNonNull(fromInclusive, "fromInclusive");
        Objects.requireNonNull(toExclusive, "toExclusive");
        if (Arrays.compareUnsigned(fromInclusive, toExclusive) > 0) {
            throw new IllegalArgumentException("Range delete in column family '" + cf + "' has its start above its end");
        }
        return add("batch delete range", cf, handle -> {
            batch.deleteRange(handle, fromInclusive, toExclusive);
            return null;
        });
    }

    /** Operations added so far. */
    public int size() {
        return store.guarded("batch size", columnFamiliesForMessages(), () -> {
            ensureOpen();
            return batch.count();
        });
    }

    @Override
    public void close() {
        closed = true;
        store.release(this, List.of(batch));
    }

    KvStore store() {
        return store;
    }

    /** The column families the batch touches, to name them in errors; null while it is empty. */
    String columnFamiliesForMessages() {
        return columnFamilies.isEmpty() ? null : String.join("', '", columnFamilies);
    }

    WriteBatch writeBatch() {
        ensureOpen();
        return batch;
    }

    private KvWriteBatch add(String op, String cf, KvStore.RocksHandleCall<Void> addition) {
        store.withHandle(op, cf, handle -> {
            ensureOpen();
            addition.call(handle);
            columnFamilies.add(cf);
            return null;
        });
        return this;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Write batch of KV store " + store.dir() + " is closed");
        }
    }
}
