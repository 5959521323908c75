package io.weir.metadata.raft.runtime;

import com.google.protobuf.InvalidProtocolBufferException;
import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.HardState;
import io.weir.metadata.raft.RaftStorage;
import io.weir.metadata.raft.Snapshot;
import io.weir.proto.v1.RaftEntry;
import io.weir.proto.v1.RaftHardState;
import io.weir.proto.v1.RaftLogStart;
import io.weir.proto.v1.RaftSnapshot;
import io.weir.storage.kv.KvEntry;
import io.weir.storage.kv.KvIterator;
import io.weir.storage.kv.KvKeys;
import io.weir.storage.kv.KvStore;
import io.weir.storage.kv.KvWriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The controllers' Raft log and hard state in RocksDB, through {@link KvStore}.
 *
 * <p>Column family {@value #LOG_CF} maps each index (8 bytes big-endian, so keys sort by index) to a
 * protobuf {@code RaftEntry}; {@value #STATE_CF} holds the hard state, the latest snapshot and the log start
 * (the last entry compaction dropped). Every write is one atomic batch: {@link #persist} takes all a
 * {@code Ready} asks for, so the entries and hard state of one Ready cost one fsync (group commit), and a
 * crash keeps either all of it or none of it. Only a batch that changes nothing but the commit index skips
 * the fsync.
 *
 * <p>First index, last index and last term, the hard state and the snapshot are cached in memory because
 * the core asks for them on every step. Confined to the thread that drives the node, like the core; only
 * {@link #close} may come from another thread once that thread has stopped.
 */
public final class KvRaftStorage implements RaftStorage, AutoCloseable {

    static final String LOG_CF = "raft_log";
    static final String STATE_CF = "raft_state";
    private static final byte[] HARD_STATE_KEY = "hard_state".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SNAPSHOT_KEY = "snapshot".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LOG_START_KEY = "log_start".getBytes(StandardCharsets.UTF_8);
    // Above every index the log can hold: the exclusive end of "truncate everything from here".
    private static final byte[] LOG_END_KEY = KvKeys.ofLong(Long.MAX_VALUE);

    private final KvStore kv;
    // The cached view below: driver thread only, updated after each write succeeds.
    private HardState hardState;
    private Snapshot snapshot;
    // The compacted prefix ends at (offsetIndex, offsetTerm); the log holds (offsetIndex, lastIndex].
    private long offsetIndex;
    private long offsetTerm;
    private long lastIndex;
    private long lastTerm;

    private KvRaftStorage(KvStore kv) {
        this.kv = kv;
    }

    /**
     * Opens (or creates) the store in {@code dir} and restores the cached view from it.
     *
     * @throws IllegalStateException if the stored state is corrupt or inconsistent, naming what is wrong
     */
    public static KvRaftStorage open(Path dir) {
        KvStore kv = KvStore.open(dir, List.of(LOG_CF, STATE_CF));
        try {
            KvRaftStorage storage = new KvRaftStorage(kv);
            storage.load();
            return storage;
        } catch (RuntimeException e) {
            kv.close();
            throw e;
        }
    }

    private void load() {
        byte[] hs = kv.get(STATE_CF, HARD_STATE_KEY);
        hardState = hs == null ? HardState.EMPTY
                : RaftCodec.fromProto(this.<RaftHardState>parse("hard state", hs, RaftHardState::parseFrom));
        byte[] snap = kv.get(STATE_CF, SNAPSHOT_KEY);
        snapshot = snap == null ? Snapshot.EMPTY
                : RaftCodec.fromProto(this.<RaftSnapshot>parse("snapshot", snap, RaftSnapshot::parseFrom));
        byte[] start = kv.get(STATE_CF, LOG_START_KEY);
        if (start == null) {
            offsetIndex = 0;
            offsetTerm = 0;
        } else {
            RaftLogStart ls = parse("log start", start, RaftLogStart::parseFrom);
            offsetIndex = ls.getIndex();
            offsetTerm = ls.getTerm();
        }
        Optional<KvEntry> first = kv.first(LOG_CF);
        Optional<KvEntry> last = kv.last(LOG_CF);
        if (first.isEmpty()) {
            lastIndex = offsetIndex;
            lastTerm = offsetTerm;
        } else {
            long firstKey = KvKeys.toLong(first.get().key());
            if (firstKey != offsetIndex + 1) {
                throw corrupt("the log starts at index " + firstKey + " but the log start says "
                        + (offsetIndex + 1));
            }
            Entry lastEntry = decode(last.get());
            lastIndex = lastEntry.index();
            lastTerm = lastEntry.term();
        }
        if (snapshot.index() < offsetIndex || snapshot.index() > Math.max(lastIndex, offsetIndex)) {
            throw corrupt("the snapshot at index " + snapshot.index() + " is outside the log start " + offsetIndex
                    + " .. end " + lastIndex);
        }
        if (hardState.commit() > lastIndex) {
            throw corrupt("the committed index " + hardState.commit() + " is beyond the log end " + lastIndex);
        }
    }

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public long firstIndex() {
        return offsetIndex + 1;
    }

    @Override
    public long lastIndex() {
        return lastIndex;
    }

    @Override
    public long term(long index) {
        if (index == offsetIndex) {
            return offsetTerm;
        }
        if (index == lastIndex) {
            return lastTerm;
        }
        checkRange(index, index + 1);
        byte[] value = kv.get(LOG_CF, KvKeys.ofLong(index));
        if (value == null) {
            throw corrupt("no entry at index " + index + " inside the log [" + firstIndex() + ", " + lastIndex + "]");
        }
        return decode(index, value).term();
    }

    @Override
    public List<Entry> entries(long from, long toExclusive, long maxBytes) {
        checkRange(from, toExclusive);
        List<Entry> out = new ArrayList<>();
        if (from == toExclusive) {
            return out;
        }
        long bytes = 0;
        try (KvIterator it = kv.scan(LOG_CF, KvKeys.ofLong(from), KvKeys.ofLong(toExclusive))) {
            long expected = from;
            while (it.hasNext()) {
                Entry e = decode(it.next());
                if (e.index() != expected) {
                    throw corrupt("expected the entry at index " + expected + ", found index " + e.index());
                }
                expected++;
                out.add(e);
                bytes += e.sizeBytes();
                if (bytes >= maxBytes) {
                    return out;
                }
            }
            if (expected != toExclusive) {
                throw corrupt("the log ends at index " + (expected - 1) + ", expected entries up to "
                        + (toExclusive - 1));
            }
        }
        return out;
    }

    /**
     * Writes what one {@code Ready} asks for in a single synced batch, in the order the core documents:
     * the snapshot replaces the whole log; each entry at index i replaces the stored entry at i and every
     * entry after it; then the hard state.
     */
    public void persist(Optional<Snapshot> newSnapshot, List<Entry> newEntries, Optional<HardState> newHardState) {
        long offIdx = offsetIndex;
        long offTerm = offsetTerm;
        long last = lastIndex;
        long lastT = lastTerm;
        try (KvWriteBatch batch = kv.newBatch()) {
            if (newSnapshot.isPresent()) {
                Snapshot s = newSnapshot.get();
                if (s.index() < snapshot.index()) {
                    throw new IllegalArgumentException("snapshot at " + s.index() + " is older than the stored one at "
                            + snapshot.index());
                }
                batch.put(STATE_CF, SNAPSHOT_KEY, RaftCodec.toProto(s).toByteArray());
                batch.deleteRange(LOG_CF, KvKeys.ofLong(0), LOG_END_KEY);
                batch.put(STATE_CF, LOG_START_KEY, logStart(s.index(), s.term()));
                offIdx = s.index();
                offTerm = s.term();
                last = s.index();
                lastT = s.term();
            }
            if (!newEntries.isEmpty()) {
                long first = newEntries.get(0).index();
                if (first <= offIdx || first > last + 1) {
                    throw new IllegalArgumentException("cannot append at index " + first + " to a log covering ["
                            + (offIdx + 1) + ", " + last + "]");
                }
                if (first <= last) {
                    batch.deleteRange(LOG_CF, KvKeys.ofLong(first), LOG_END_KEY);
                }
                long expected = first;
                for (Entry e : newEntries) {
                    if (e.index() != expected++) {
                        throw new IllegalArgumentException("entries to append are not contiguous at index "
                                + e.index());
                    }
                    batch.put(LOG_CF, KvKeys.ofLong(e.index()), RaftCodec.toProto(e).toByteArray());
                }
                Entry lastEntry = newEntries.get(newEntries.size() - 1);
                last = lastEntry.index();
                lastT = lastEntry.term();
            }
            newHardState.ifPresent(hs -> batch.put(STATE_CF, HARD_STATE_KEY, RaftCodec.toProto(hs).toByteArray()));
            if (batch.size() == 0) {
                return;
            }
            // A write that only moves the commit index needs no fsync: the core re-learns the commit index
            // from the leader, so losing it in a machine crash is safe (it still reaches the OS in order,
            // behind every synced entry it refers to).
            boolean sync = newSnapshot.isPresent() || !newEntries.isEmpty() || newHardState.isPresent()
                    && (newHardState.get().term() != hardState.term()
                        || newHardState.get().votedFor() != hardState.votedFor());
            kv.write(batch, sync);
        }
        newSnapshot.ifPresent(s -> snapshot = s);
        newHardState.ifPresent(hs -> hardState = hs);
        offsetIndex = offIdx;
        offsetTerm = offTerm;
        lastIndex = last;
        lastTerm = lastT;
    }

    /**
     * Records a snapshot of the application's state at {@code index}, which it must have applied. The log
     * is left intact; {@link #compact} drops entries separately so a tail stays for slightly slow followers.
     */
    public Snapshot createSnapshot(long index, List<Integer> voters, byte[] data) {
        if (index <= snapshot.index() || index > lastIndex || index < offsetIndex) {
            throw new IllegalArgumentException("cannot snapshot at index " + index + ": stored snapshot is at "
                    + snapshot.index() + ", log covers [" + firstIndex() + ", " + lastIndex + "]");
        }
        Snapshot s = new Snapshot(index, term(index), voters, data);
        try (KvWriteBatch batch = kv.newBatch()) {
            batch.put(STATE_CF, SNAPSHOT_KEY, RaftCodec.toProto(s).toByteArray());
            kv.write(batch, true);
        }
        snapshot = s;
        return s;
    }

    /** Discards entries up to and including {@code index}, which the snapshot must already cover. */
    public void compact(long index) {
        if (index > snapshot.index()) {
            throw new IllegalArgumentException("cannot compact to " + index + " beyond the snapshot at "
                    + snapshot.index());
        }
        if (index <= offsetIndex) {
            return;
        }
        long t = term(index);
        try (KvWriteBatch batch = kv.newBatch()) {
            batch.deleteRange(LOG_CF, KvKeys.ofLong(offsetIndex + 1), KvKeys.ofLong(index + 1));
            batch.put(STATE_CF, LOG_START_KEY, logStart(index, t));
            kv.write(batch, true);
        }
        offsetIndex = index;
        offsetTerm = t;
    }

    @Override
    public void close() {
        kv.close();
    }

    private static byte[] logStart(long index, long term) {
        return RaftLogStart.newBuilder().setIndex(index).setTerm(term).build().toByteArray();
    }

    private void checkRange(long from, long toExclusive) {
        if (from < firstIndex() || toExclusive > lastIndex + 1 || from > toExclusive) {
            throw new IllegalArgumentException("entries [" + from + ", " + toExclusive
                    + ") outside the stored log [" + firstIndex() + ", " + lastIndex + "]");
        }
    }

    private Entry decode(KvEntry kvEntry) {
        return decode(KvKeys.toLong(kvEntry.key()), kvEntry.value());
    }

    private Entry decode(long key, byte[] value) {
        Entry e;
        try {
            e = RaftCodec.fromProto(RaftEntry.parseFrom(value));
        } catch (InvalidProtocolBufferException | IllegalArgumentException ex) {
            throw corrupt("the entry at index " + key + " cannot be decoded: " + ex.getMessage());
        }
        if (e.index() != key) {
            throw corrupt("the entry stored at index " + key + " says it is index " + e.index());
        }
        return e;
    }

    private interface Parser<T> {
        T parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    private <T> T parse(String what, byte[] bytes, Parser<T> parser) {
        try {
            return parser.parse(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw corrupt("the " + what + " cannot be decoded: " + e.getMessage());
        }
    }

    private IllegalStateException corrupt(String what) {
        return new IllegalStateException("Raft log in " + kv.dir() + " is corrupt: " + what);
    }
}
