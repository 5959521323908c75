package io.weir.storage.kv;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.rocksdb.RocksIterator;

/**
 * Ascending iteration over a consistent snapshot of one column family, from {@link KvStore#scan}.
 * Holds native resources until closed; closing the store closes it too.
 */
public final class KvIterator implements Iterator<KvEntry>, AutoCloseable {
    private final KvStore store;
    private final String cf;
    // Owned by the one thread that iterates; the store's lock keeps it from being used after release.
    private final RocksIterator iterator;
    private final List<AutoCloseable> natives;
    private boolean closed; // set by the owner thread, or by the store closing under its write lock

    KvIterator(KvStore store, String cf, RocksIterator iterator, List<AutoCloseable> natives) {
        this.store = store;
        this.cf = cf;
        this.iterator = iterator;
        this.natives = natives;
    }

    @Override
    public boolean hasNext() {
        return store.guarded("scan", cf, () -> {
            ensureOpen();
            if (iterator.isValid()) {
                return true;
            }
            // An iterator also turns invalid on an I/O error or corruption; that must not pass for the end.
            iterator.status();
            return false;
        });
    }

    @Override
    public KvEntry next() {
        return store.guarded("scan", cf, () -> {
            ensureOpen();
            if (!iterator.isValid()) {
                iterator.status();
                throw new NoSuchElementException("Scan of column family '" + cf + "' is exhausted");
            }
            KvEntry entry = new KvEntry(iterator.key(), iterator.value());
            iterator.next();
            return entry;
        });
    }

    @Override
    public void close() {
        closed = true;
        store.release(this, natives);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Scan of column family '" + cf + "' in KV store " + store.dir() + " is closed");
        }
    }
}
