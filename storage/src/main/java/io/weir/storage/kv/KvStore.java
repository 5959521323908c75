package io.weir.storage.kv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RocksDB database with named column families, for small durable state where atomic, synced writes
 * matter: the Raft log and hard state of controllers, broker-local snapshots.
 *
 * <p>Keys order by RocksDB's default bytewise comparator (unsigned lexicographic); {@link KvKeys} encodes
 * longs so that they sort numerically. Single writes ({@link #put}, {@link #delete}) go to the WAL without
 * fsync: they survive a process crash but not a machine crash. Whatever must survive a machine crash goes
 * through {@link #write(KvWriteBatch, boolean)} with {@code sync=true}. {@link #close()} syncs the WAL, so a
 * clean shutdown loses nothing.
 *
 * <p>The store owns every native handle it creates, including the iterators and batches it hands out:
 * callers should close those, and whatever is still open when the store closes is closed with it.
 */
public final class KvStore implements AutoCloseable {
    public static final String DEFAULT_COLUMN_FAMILY = "default";

    private static final Logger log = LoggerFactory.getLogger(KvStore.class);

    // Modest on purpose: several stores (a controller's Raft log, broker state, tests) share one JVM.
    private static final long BLOCK_CACHE_BYTES = 8L << 20;
    private static final long WRITE_BUFFER_BYTES = 4L << 20;
    private static final int MAX_WRITE_BUFFERS = 2;
    // Column families written at different rates pin old WAL files; this forces flushes to bound them.
    private static final long MAX_TOTAL_WAL_BYTES = 64L << 20;
    private static final long MAX_INFO_LOG_BYTES = 1L << 20;
    private static final int KEPT_INFO_LOGS = 2;

    // Files RocksDB itself writes; anything else in a directory without CURRENT means it is not a store.
    private static final Pattern ROCKSDB_FILE = Pattern.compile(
        "LOCK|IDENTITY|CURRENT|LOG(\\.old\\..+)?|(MANIFEST|OPTIONS)-\\d+(\\.dbtmp)?|\\d+\\.(log|sst|blob|dbtmp)");

    static {
        // Some option classes (LRUCache) do not load the native library themselves.
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final RocksDB db;
    private final Map<String, ColumnFamilyHandle> handles;
    private final WriteOptions unsyncedWrites;
    private final WriteOptions syncedWrites;
    // Released after the database, in reverse order of creation.
    private final List<AutoCloseable> options;

    // Any thread may call any method: operations hold the read lock, close() the write lock, so no native handle is used after release.
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock: written under the write lock, read under the read lock
    private final Set<AutoCloseable> openResources = ConcurrentHashMap.newKeySet(); // iterators and batches; added and removed under the read lock

    private KvStore(Path dir, RocksDB db, Map<String, ColumnFamilyHandle> handles, WriteOptions unsyncedWrites,
                    WriteOptions syncedWrites, List<AutoCloseable> options) {
        this.dir = dir;
        this.db = db;
        this.handles = handles;
        this.unsyncedWrites = unsyncedWrites;
        this.syncedWrites = syncedWrites;
        this.options = options;
    }

    /**
     * Opens the store in {@code dir}, creating the directory, the database and any missing column family.
     * Column families that exist on disk but are not named are opened too (RocksDB requires it) and usable.
     *
     * @throws KvStoreException if {@code dir} is not a directory, holds something other than a RocksDB store,
     *     is locked by another open store (in this or another process), or cannot be read
     */
    public static KvStore open(Path dir, Collection<String> columnFamilies) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(columnFamilies, "columnFamilies");
        dir = dir.toAbsolutePath();
        Set<String> names = new LinkedHashSet<>();
        names.add(DEFAULT_COLUMN_FAMILY);
        for (String cf : columnFamilies) {
            if (cf == null || cf.isEmpty()) {
                throw new IllegalArgumentException("Column family names must be non-empty, got " + columnFamilies);
            }
            names.add(cf);
        }
        prepareDirectory(dir);
        names.addAll(existingColumnFamilies(dir));

        List<AutoCloseable> owned = new ArrayList<>();
        List<ColumnFamilyHandle> handleList = new ArrayList<>();
        boolean opened = false;
        try {
            LRUCache blockCache = own(owned, new LRUCache(BLOCK_CACHE_BYTES));
            ColumnFamilyOptions cfOptions = own(owned, new ColumnFamilyOptions()
                .setWriteBufferSize(WRITE_BUFFER_BYTES)
                .setMaxWriteBufferNumber(MAX_WRITE_BUFFERS)
                .setTableFormatConfig(new BlockBasedTableConfig()
                    .setBlockCache(blockCache)
                    .setCacheIndexAndFilterBlocks(true)));
            DBOptions dbOptions = own(owned, new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2)
                .setMaxTotalWalSize(MAX_TOTAL_WAL_BYTES)
                .setMaxLogFileSize(MAX_INFO_LOG_BYTES)
                .setKeepLogFileNum(KEPT_INFO_LOGS));
            WriteOptions unsynced = own(owned, new WriteOptions().setSync(false));
            WriteOptions synced = own(owned, new WriteOptions().setSync(true));

            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (String name : names) {
                descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), cfOptions));
            }
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handleList);
            Map<String, ColumnFamilyHandle> handles = new LinkedHashMap<>();
            int i = 0;
            for (String name : names) {
                handles.put(name, handleList.get(i++));
            }
            KvStore store = new KvStore(dir, db, Collections.unmodifiableMap(handles), unsynced, synced, owned);
            opened = true;
            log.info("Opened KV store {} with column families {}", dir, names);
            return store;
        } catch (RocksDBException e) {
            throw new KvStoreException(openFailure(dir, e), e);
        } finally {
            if (!opened) {
                handleList.forEach(ColumnFamilyHandle::close);
                closeAll(owned);
            }
        }
    }

    public Path dir() {
        return dir;
    }

    /** Every column family of the store, "default" included. */
    public Set<String> columnFamilies() {
        return handles.keySet();
    }

    /** The value of {@code key}, or null when absent. */
    public byte[] get(String cf, byte[] key) {
        Objects.requireNonNull(key, "key");
        return withHandle("get", cf, handle -> db.get(handle, key));
    }

    /** Writes to the WAL without fsync; use a synced {@link #write} for what must survive a machine crash. */
    public void put(String cf, byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        withHandle("put", cf, handle -> {
            db.put(handle, unsyncedWrites, key, value);
            return null;
        });
    }

    /** Deletes {@code key} if present; like {@link #put}, not synced. */
    public void delete(String cf, byte[] key) {
        Objects.requireNonNull(key, "key");
        withHandle("delete", cf, handle -> {
            db.delete(handle, unsyncedWrites, key);
            return null;
        });
    }

    /** A new, empty batch of this store; the caller closes it. */
    public KvWriteBatch newBatch() {
        return guarded("create batch", null, () -> {
            KvWriteBatch batch = new KvWriteBatch(this);
            openResources.add(batch);
            return batch;
        });
    }

    /**
     * Applies {@code batch} atomically: readers see all of it or none of it. With {@code sync} the WAL is
     * fsynced before this returns, so the batch survives a machine crash.
     */
    public void write(KvWriteBatch batch, boolean sync) {
        Objects.requireNonNull(batch, "batch");
        if (batch.store() != this) {
            throw new IllegalArgumentException("The batch belongs to KV store " + batch.store().dir + ", not " + dir);
        }
        guarded(sync ? "synced write" : "write", batch.columnFamiliesForMessages(), () -> {
            db.write(sync ? syncedWrites : unsyncedWrites, batch.writeBatch());
            return null;
        });
    }

    /**
     * Entries of {@code cf} with {@code fromInclusive <= key < toExclusive} in ascending unsigned
     * lexicographic order; a null bound is open. The iterator reads a consistent snapshot taken now and
     * must be closed by the caller (the store closes it otherwise).
     */
    public KvIterator scan(String cf, byte[] fromInclusive, byte[] toExclusive) {
        if (fromInclusive != null && toExclusive != null && Arrays.compareUnsigned(fromInclusive, toExclusive) > 0) {
            throw new IllegalArgumentException("Scan of column family '" + cf + "' has its lower bound above its upper bound");
        }
        return withHandle("scan", cf, handle -> {
            List<AutoCloseable> natives = new ArrayList<>();
            try {
                ReadOptions readOptions = own(natives, new ReadOptions());
                if (fromInclusive != null) {
                    readOptions.setIterateLowerBound(own(natives, new Slice(fromInclusive)));
                }
                if (toExclusive != null) {
                    readOptions.setIterateUpperBound(own(natives, new Slice(toExclusive)));
                }
                RocksIterator iterator = own(natives, db.newIterator(handle, readOptions));
                iterator.seekToFirst();
                // The iterator first, then the options and slices it reads.
                Collections.reverse(natives);
                KvIterator result = new KvIterator(this, cf, iterator, natives);
                openResources.add(result);
                return result;
            } catch (RuntimeException e) {
                Collections.reverse(natives);
                closeAll(natives);
                throw e;
            }
        });
    }

    /** Entries of {@code cf} whose key starts with {@code prefix}, in ascending order. */
    public KvIterator scanPrefix(String cf, byte[] prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return scan(cf, prefix, KvKeys.prefixEnd(prefix));
    }

    /** The entry with the lowest key of {@code cf}, e.g. the first index of a compacted Raft log. */
    public Optional<KvEntry> first(String cf) {
        return edge("first", cf, true);
    }

    /** The entry with the highest key of {@code cf}, e.g. the last index of the Raft log. */
    public Optional<KvEntry> last(String cf) {
        return edge("last", cf, false);
    }

    private Optional<KvEntry> edge(String op, String cf, boolean lowest) {
        return withHandle(op, cf, handle -> {
            try (RocksIterator iterator = db.newIterator(handle)) {
                if (lowest) {
                    iterator.seekToFirst();
                } else {
                    iterator.seekToLast();
                }
                if (iterator.isValid()) {
                    return Optional.of(new KvEntry(iterator.key(), iterator.value()));
                }
                iterator.status();
                return Optional.empty();
            }
        });
    }

    /**
     * Syncs the WAL, then releases every native handle: open iterators and batches, column families, the
     * database and its options. Further calls are no-ops; other methods then throw IllegalStateException.
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeAll(List.copyOf(openResources));
            KvStoreException failure = null;
            try {
                db.flushWal(true);
            } catch (RocksDBException e) {
                failure = new KvStoreException("KV store " + dir + ": syncing the WAL on close failed: " + e.getMessage(), e);
            }
            handles.values().forEach(ColumnFamilyHandle::close);
            try {
                db.closeE();
            } catch (RocksDBException e) {
                if (failure == null) {
                    failure = new KvStoreException("KV store " + dir + ": close failed: " + e.getMessage(), e);
                }
            }
            List<AutoCloseable> reversed = new ArrayList<>(options);
            Collections.reverse(reversed);
            closeAll(reversed);
            log.info("Closed KV store {}", dir);
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @FunctionalInterface
    interface RocksCall<T> {
        T call() throws RocksDBException;
    }

    @FunctionalInterface
    interface RocksHandleCall<T> {
        T call(ColumnFamilyHandle handle) throws RocksDBException;
    }

    /**
     * Runs {@code call} with the store open and its handles valid; {@code cf} (column family names, or null
     * when none applies) only names the target in errors.
     */
    <T> T guarded(String op, String cf, RocksCall<T> call) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("KV store " + dir + " is closed: cannot " + describe(op, cf));
            }
            return call.call();
        } catch (RocksDBException e) {
            throw new KvStoreException("KV store " + dir + ": " + describe(op, cf) + " failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    <T> T withHandle(String op, String cf, RocksHandleCall<T> call) {
        Objects.requireNonNull(cf, "cf");
        return guarded(op, cf, () -> call.call(handle(cf)));
    }

    /** Releases an iterator's or batch's natives once, unless the store already did so when closing. */
    void release(AutoCloseable resource, List<? extends AutoCloseable> natives) {
        lock.readLock().lock();
        try {
            if (openResources.remove(resource)) {
                closeAll(natives);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private static String describe(String op, String cf) {
        return cf == null ? op : op + " on column family '" + cf + "'";
    }

    private ColumnFamilyHandle handle(String cf) {
        ColumnFamilyHandle handle = handles.get(cf);
        if (handle == null) {
            throw new IllegalArgumentException(
                "KV store " + dir + " has no column family '" + cf + "' (it has " + handles.keySet() + ")");
        }
        return handle;
    }

    private static void prepareDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new KvStoreException("KV store " + dir + ": cannot open: the path exists and is not a directory");
        }
        try {
            Files.createDirectories(dir);
            if (Files.exists(dir.resolve("CURRENT"))) {
                return;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                Optional<String> foreign = entries.map(p -> p.getFileName().toString())
                    .filter(name -> !ROCKSDB_FILE.matcher(name).matches())
                    .findFirst();
                if (foreign.isPresent()) {
                    throw new KvStoreException("KV store " + dir + ": cannot open: the directory is not a RocksDB store"
                        + " (no CURRENT file) and is not empty (it holds '" + foreign.get() + "')");
                }
            }
        } catch (IOException e) {
            throw new KvStoreException("KV store " + dir + ": cannot open: " + e, e);
        }
    }

    private static List<String> existingColumnFamilies(Path dir) {
        if (!Files.exists(dir.resolve("CURRENT"))) {
            return List.of();
        }
        try (Options listOptions = new Options()) {
            List<String> names = new ArrayList<>();
            for (byte[] name : RocksDB.listColumnFamilies(listOptions, dir.toString())) {
                names.add(new String(name, StandardCharsets.UTF_8));
            }
            return names;
        } catch (RocksDBException e) {
            throw new KvStoreException(openFailure(dir, e), e);
        }
    }

    private static String openFailure(Path dir, RocksDBException e) {
        Status status = e.getStatus();
        String message = String.valueOf(e.getMessage());
        if (status != null && status.getCode() == Status.Code.IOError && message.contains("lock")) {
            return "KV store " + dir + ": cannot open: it is locked, already open by another KV store in this or"
                + " another process (" + message + ")";
        }
        return "KV store " + dir + ": cannot open: " + message;
    }

    private static <T extends AutoCloseable> T own(List<AutoCloseable> owned, T resource) {
        owned.add(resource);
        return resource;
    }

    private static void closeAll(List<? extends AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // Native releases do not fail in practice; keep releasing the rest rather than leak them.
                log.warn("Failed to release {}", resource, e);
            }
        }
    }
}
