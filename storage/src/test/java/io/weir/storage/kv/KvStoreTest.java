package io.weir.storage.kv;

import static io.weir.storage.kv.KvKeys.ofLong;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvStoreTest {
    private static final String LOG = "raft_log";
    private static final String STATE = "raft_state";

    @TempDir
    Path dir;

    private final List<KvStore> stores = new ArrayList<>();

    @AfterEach
    void closeStores() {
        stores.forEach(KvStore::close);
    }

    private KvStore open(String... columnFamilies) {
        KvStore store = KvStore.open(dir, List.of(columnFamilies));
        stores.add(store);
        return store;
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static List<Long> longKeys(KvIterator iterator) {
        List<Long> keys = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(e -> keys.add(KvKeys.toLong(e.key())));
        }
        return keys;
    }

    private static List<String> stringKeys(KvIterator iterator) {
        List<String> keys = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(e -> keys.add(new String(e.key(), UTF_8)));
        }
        return keys;
    }

    @Test
    void putGetOverwriteDelete() {
        KvStore store = open(LOG);
        assertNull(store.get(LOG, b("k")));

        store.put(LOG, b("k"), b("v1"));
        assertArrayEquals(b("v1"), store.get(LOG, b("k")));

        store.put(LOG, b("k"), b("v2"));
        assertArrayEquals(b("v2"), store.get(LOG, b("k")));

        store.delete(LOG, b("k"));
        assertNull(store.get(LOG, b("k")));
        store.delete(LOG, b("never-written"));
        assertNull(store.get(LOG, b("never-written")));
    }

    @Test
    void defaultColumnFamilyAlwaysExists() {
        KvStore store = open(LOG);
        assertEquals(Set.of(KvStore.DEFAULT_COLUMN_FAMILY, LOG), store.columnFamilies());
        store.put(KvStore.DEFAULT_COLUMN_FAMILY, b("k"), b("v"));
        assertArrayEquals(b("v"), store.get(KvStore.DEFAULT_COLUMN_FAMILY, b("k")));
    }

    @Test
    void columnFamiliesIsolateKeys() {
        KvStore store = open(LOG, STATE);
        store.put(LOG, b("k"), b("log"));
        store.put(STATE, b("k"), b("state"));
        assertArrayEquals(b("log"), store.get(LOG, b("k")));
        assertArrayEquals(b("state"), store.get(STATE, b("k")));
        assertNull(store.get(KvStore.DEFAULT_COLUMN_FAMILY, b("k")));

        store.delete(LOG, b("k"));
        assertNull(store.get(LOG, b("k")));
        assertArrayEquals(b("state"), store.get(STATE, b("k")));
        assertEquals(List.of("k"), stringKeys(store.scan(STATE, null, null)));
        assertEquals(List.of(), stringKeys(store.scan(LOG, null, null)));
    }

    @Test
    void syncedBatchSurvivesReopen() {
        KvStore store = open(LOG, STATE);
        try (KvWriteBatch batch = store.newBatch()) {
            batch.put(LOG, ofLong(1), b("entry-1")).put(LOG, ofLong(2), b("entry-2")).put(STATE, b("term"), ofLong(7));
            store.write(batch, true);
        }
        store.close();

        // Naming fewer column families still opens (and exposes) the ones on disk.
        KvStore reopened = open();
        assertEquals(Set.of(KvStore.DEFAULT_COLUMN_FAMILY, LOG, STATE), reopened.columnFamilies());
        assertArrayEquals(b("entry-1"), reopened.get(LOG, ofLong(1)));
        assertArrayEquals(b("entry-2"), reopened.get(LOG, ofLong(2)));
        assertEquals(7, KvKeys.toLong(reopened.get(STATE, b("term"))));
    }

    @Test
    void unsyncedWritesSurviveCleanClose() {
        KvStore store = open(STATE);
        store.put(STATE, b("vote"), b("3"));
        store.delete(STATE, b("vote-old"));
        store.close();

        assertArrayEquals(b("3"), open(STATE).get(STATE, b("vote")));
    }

    @Test
    void writesSurviveAKilledProcess() throws Exception {
        Process child = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
            "-cp", System.getProperty("java.class.path"),
            CrashingWriter.class.getName(), dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            assertEquals(CrashingWriter.READY, line);
        } finally {
            // SIGKILL: no close(), no shutdown hook; the store's lock dies with the process.
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        }

        KvStore reopened = open();
        assertArrayEquals(b("synced"), reopened.get(LOG, ofLong(1)));
        assertArrayEquals(b("unsynced"), reopened.get(LOG, ofLong(2)));
    }

    /** Writes, reports that the writes returned, then waits to be killed. */
    static final class CrashingWriter {
        static final String READY = "written";

        public static void main(String[] args) throws Exception {
            KvStore store = KvStore.open(Path.of(args[0]), List.of(LOG));
            try (KvWriteBatch batch = store.newBatch()) {
                store.write(batch.put(LOG, ofLong(1), b("synced")), true);
            }
            store.put(LOG, ofLong(2), b("unsynced"));
            System.out.println(READY);
            System.out.flush();
            System.in.read();
        }
    }

    @Test
    void closeWhileOtherThreadsUseTheStoreFailsThemCleanly() throws Exception {
        KvStore store = open(LOG);
        AtomicInteger operations = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> users = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long base = t * 1_000_000L;
                users.add(executor.submit(() -> {
                    // Runs until the store closes under it; each operation either completes or fails cleanly.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    IllegalStateException closed = assertThrows(IllegalStateException.class, () -> {
                        for (long i = base; System.nanoTime() < deadline; i++) {
                            store.put(LOG, ofLong(i), ofLong(i));
                            assertArrayEquals(ofLong(i), store.get(LOG, ofLong(i)));
                            try (KvIterator it = store.scan(LOG, ofLong(base), null)) {
                                assertTrue(it.hasNext());
                                it.next();
                            }
                            operations.incrementAndGet();
                        }
                    });
                    assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> operations.get() >= 200);
            store.close();
            for (Future<?> user : users) {
                user.get(30, TimeUnit.SECONDS);
            }
        } finally {
            store.close();
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void batchIsInvisibleUntilWrittenThenVisibleWhole() {
        KvStore store = open(LOG, STATE);
        store.put(LOG, ofLong(1), b("old-1"));
        store.put(LOG, ofLong(2), b("old-2"));
        try (KvWriteBatch batch = store.newBatch()) {
            batch.delete(LOG, ofLong(1)).put(LOG, ofLong(2), b("new-2")).put(LOG, ofLong(3), b("new-3"))
                .put(STATE, b("commit"), ofLong(3));
            assertEquals(4, batch.size());

            assertArrayEquals(b("old-1"), store.get(LOG, ofLong(1)));
            assertArrayEquals(b("old-2"), store.get(LOG, ofLong(2)));
            assertNull(store.get(LOG, ofLong(3)));
            assertNull(store.get(STATE, b("commit")));

            store.write(batch, false);
        }
        assertNull(store.get(LOG, ofLong(1)));
        assertArrayEquals(b("new-2"), store.get(LOG, ofLong(2)));
        assertArrayEquals(b("new-3"), store.get(LOG, ofLong(3)));
        assertEquals(3, KvKeys.toLong(store.get(STATE, b("commit"))));
    }

    @Test
    void concurrentScansNeverSeeHalfABatch() throws Exception {
        KvStore store = open(LOG);
        int width = 8;
        int generations = 300;
        // Each batch replaces generation g-1 (keys g-1 * width ...) by generation g; a reader must see exactly one.
        Consumer<Integer> writeGeneration = g -> {
            try (KvWriteBatch batch = store.newBatch()) {
                if (g > 0) {
                    batch.deleteRange(LOG, ofLong((long) (g - 1) * width), ofLong((long) g * width));
                }
                for (int i = 0; i < width; i++) {
                    batch.put(LOG, ofLong((long) g * width + i), ofLong(g));
                }
                store.write(batch, false);
            }
        };
        writeGeneration.accept(0);

        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger views = new AtomicInteger();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> reader = executor.submit(() -> {
                do {
                    List<KvEntry> view = new ArrayList<>();
                    try (KvIterator it = store.scan(LOG, null, null)) {
                        it.forEachRemaining(view::add);
                    }
                    assertEquals(width, view.size(), "a scan saw a partial batch: " + view);
                    long generation = KvKeys.toLong(view.get(0).value());
                    for (int i = 0; i < width; i++) {
                        assertEquals(generation * width + i, KvKeys.toLong(view.get(i).key()));
                        assertEquals(generation, KvKeys.toLong(view.get(i).value()));
                    }
                    views.incrementAndGet();
                } while (!done.get());
            });
            // Start writing only once the reader runs, so that the two overlap.
            await().atMost(Duration.ofSeconds(30)).until(() -> views.get() > 0 || reader.isDone());
            for (int g = 1; g <= generations; g++) {
                writeGeneration.accept(g);
            }
            done.set(true);
            reader.get(30, TimeUnit.SECONDS);
        } finally {
            done.set(true);
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
        }
        assertEquals(Optional.of((long) generations * width + width - 1), store.last(LOG).map(e -> KvKeys.toLong(e.key())));
    }

    @Test
    void deleteRangeRemovesHalfOpenRange() {
        KvStore store = open(LOG);
        for (long i = 1; i <= 10; i++) {
            store.put(LOG, ofLong(i), ofLong(i));
        }
        try (KvWriteBatch batch = store.newBatch()) {
            store.write(batch.deleteRange(LOG, ofLong(3), ofLong(7)), true);
        }
        assertEquals(List.of(1L, 2L, 7L, 8L, 9L, 10L), longKeys(store.scan(LOG, null, null)));
        assertNull(store.get(LOG, ofLong(3)));
        assertArrayEquals(ofLong(7), store.get(LOG, ofLong(7)));

        try (KvWriteBatch batch = store.newBatch()) {
            assertThrows(IllegalArgumentException.class, () -> batch.deleteRange(LOG, ofLong(5), ofLong(4)));
        }
    }

    @Test
    void scansLongKeysInNumericOrderWithinBounds() {
        KvStore store = open(LOG);
        // Values whose big-endian bytes differ in every position, including ones where a signed byte
        // comparison would misorder (0x80 and above).
        List<Long> keys = new ArrayList<>(List.of(0L, 1L, 127L, 128L, 255L, 256L, 65_535L, 65_536L,
            1L << 31, 1L << 32, 1L << 56, Long.MAX_VALUE - 1, Long.MAX_VALUE));
        List<Long> shuffled = new ArrayList<>(keys);
        Collections.shuffle(shuffled, new Random(42));
        shuffled.forEach(k -> store.put(LOG, ofLong(k), ofLong(k)));

        assertEquals(keys, longKeys(store.scan(LOG, null, null)));
        assertEquals(List.of(128L, 255L, 256L, 65_535L), longKeys(store.scan(LOG, ofLong(128), ofLong(65_536))));
        assertEquals(List.of(0L, 1L, 127L), longKeys(store.scan(LOG, null, ofLong(128))));
        assertEquals(List.of(Long.MAX_VALUE - 1, Long.MAX_VALUE), longKeys(store.scan(LOG, ofLong(1L << 57), null)));
        assertEquals(List.of(), longKeys(store.scan(LOG, ofLong(2), ofLong(2))));
        assertEquals(List.of(), longKeys(store.scan(LOG, ofLong(2), ofLong(100))));
        assertThrows(IllegalArgumentException.class, () -> store.scan(LOG, ofLong(3), ofLong(2)));

        try (KvIterator it = store.scan(LOG, ofLong(1), ofLong(2))) {
            assertTrue(it.hasNext());
            KvEntry only = it.next();
            assertEquals(1, KvKeys.toLong(only.key()));
            assertEquals(1, KvKeys.toLong(only.value()));
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
        }
    }

    @Test
    void scanIsASnapshotOfWhenItStarted() {
        KvStore store = open(LOG);
        store.put(LOG, ofLong(1), b("a"));
        store.put(LOG, ofLong(2), b("b"));
        try (KvIterator it = store.scan(LOG, null, null)) {
            store.put(LOG, ofLong(3), b("c"));
            store.delete(LOG, ofLong(2));
            assertEquals(List.of(1L, 2L), longKeys(it));
        }
        assertEquals(List.of(1L, 3L), longKeys(store.scan(LOG, null, null)));
    }

    @Test
    void longKeysRoundTripAndRejectNegativesAndWrongLengths() {
        for (long v : new long[] {0, 1, 255, 256, 1L << 40, Long.MAX_VALUE}) {
            assertEquals(v, KvKeys.toLong(ofLong(v)));
        }
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 1, 2}, ofLong(258));
        // Two's complement negatives would sort after every positive key under the unsigned comparator.
        assertThrows(IllegalArgumentException.class, () -> ofLong(-1));
        assertThrows(IllegalArgumentException.class, () -> ofLong(Long.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> KvKeys.toLong(new byte[] {(byte) 0xFF, 0, 0, 0, 0, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> KvKeys.toLong(new byte[7]));
        assertThrows(IllegalArgumentException.class, () -> KvKeys.toLong(new byte[9]));
    }

    @Test
    void scanPrefixReturnsOnlyMatchingKeysInOrder() {
        KvStore store = open(STATE);
        for (String key : List.of("meta", "log/2", "lob", "log/10", "log/1", "log", "loh", "log0")) {
            store.put(STATE, b(key), b("x"));
        }
        assertEquals(List.of("log/1", "log/10", "log/2"), stringKeys(store.scanPrefix(STATE, b("log/"))));
        assertEquals(List.of("log", "log/1", "log/10", "log/2", "log0"), stringKeys(store.scanPrefix(STATE, b("log"))));
        assertEquals(List.of(), stringKeys(store.scanPrefix(STATE, b("zzz"))));
        assertEquals(8, stringKeys(store.scanPrefix(STATE, new byte[0])).size());
    }

    @Test
    void scanPrefixEndingInFfBytes() {
        KvStore store = open(STATE);
        byte ff = (byte) 0xFF;
        byte[][] keys = {{1, ff}, {1, ff, 0}, {1, ff, ff, ff}, {2}, {ff, ff}, {ff, ff, 1}, {ff}};
        for (byte[] key : keys) {
            store.put(STATE, key, new byte[] {1});
        }
        List<byte[]> found = new ArrayList<>();
        try (KvIterator it = store.scanPrefix(STATE, new byte[] {1, ff})) {
            it.forEachRemaining(e -> found.add(e.key()));
        }
        assertEquals(3, found.size());
        assertArrayEquals(keys[0], found.get(0));
        assertArrayEquals(keys[1], found.get(1));
        assertArrayEquals(keys[2], found.get(2));

        found.clear();
        try (KvIterator it = store.scanPrefix(STATE, new byte[] {ff, ff})) {
            it.forEachRemaining(e -> found.add(e.key()));
        }
        assertEquals(2, found.size());
        assertArrayEquals(keys[4], found.get(0));
        assertArrayEquals(keys[5], found.get(1));
    }

    @Test
    void firstAndLastTrackTheLowestAndHighestKey() {
        KvStore store = open(LOG, STATE);
        assertEquals(Optional.empty(), store.last(LOG));
        assertEquals(Optional.empty(), store.first(LOG));

        for (long i : new long[] {5, 300, 2, 299}) {
            store.put(LOG, ofLong(i), b("e" + i));
        }
        store.put(STATE, ofLong(1000), b("other family"));

        assertEquals(new KvEntry(ofLong(300), b("e300")), store.last(LOG).orElseThrow());
        assertEquals(new KvEntry(ofLong(2), b("e2")), store.first(LOG).orElseThrow());

        store.delete(LOG, ofLong(300));
        assertEquals(299, KvKeys.toLong(store.last(LOG).orElseThrow().key()));
        try (KvWriteBatch batch = store.newBatch()) {
            store.write(batch.deleteRange(LOG, ofLong(0), ofLong(5)), false);
        }
        assertEquals(5, KvKeys.toLong(store.first(LOG).orElseThrow().key()));
    }

    @Test
    void entriesAreImmutable() {
        byte[] key = b("k");
        KvEntry entry = new KvEntry(key, b("v"));
        key[0] = 'x';
        entry.value()[0] = 'y';
        assertEquals(new KvEntry(b("k"), b("v")), entry);
    }

    @Test
    void unknownColumnFamilyIsNamed() {
        KvStore store = open(LOG);
        List<Runnable> uses = List.of(
            () -> store.get("nope", b("k")),
            () -> store.put("nope", b("k"), b("v")),
            () -> store.delete("nope", b("k")),
            () -> store.scan("nope", null, null),
            () -> store.scanPrefix("nope", b("k")),
            () -> store.last("nope"),
            () -> store.first("nope"));
        for (Runnable use : uses) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, use::run);
            assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        }
        try (KvWriteBatch batch = store.newBatch()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batch.put("nope", b("k"), b("v")));
            assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
            assertEquals(0, batch.size());
        }
    }

    @Test
    void useAfterCloseFailsAndCloseTwiceIsHarmless() {
        KvStore store = open(LOG);
        store.put(LOG, ofLong(1), b("a"));
        store.put(LOG, ofLong(2), b("b"));
        KvIterator leftOpen = store.scan(LOG, null, null);
        assertTrue(leftOpen.hasNext());
        KvWriteBatch batchLeftOpen = store.newBatch().put(LOG, ofLong(3), b("c"));

        store.close();
        store.close();

        List<Runnable> uses = List.of(
            () -> store.get(LOG, ofLong(1)),
            () -> store.put(LOG, ofLong(1), b("x")),
            () -> store.delete(LOG, ofLong(1)),
            store::newBatch,
            () -> store.write(batchLeftOpen, true),
            () -> store.scan(LOG, null, null),
            () -> store.last(LOG),
            leftOpen::hasNext,
            leftOpen::next,
            () -> batchLeftOpen.put(LOG, ofLong(4), b("d")));
        for (Runnable use : uses) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use::run);
            assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
        }
        leftOpen.close();
        batchLeftOpen.close();

        // The batch was never written: reopening shows the state from before it.
        KvStore reopened = open(LOG);
        assertEquals(List.of(1L, 2L), longKeys(reopened.scan(LOG, null, null)));
    }

    @Test
    void closedIteratorAndBatchFailWhileStoreStaysOpen() {
        KvStore store = open(LOG);
        store.put(LOG, ofLong(1), b("a"));
        KvIterator it = store.scan(LOG, null, null);
        it.close();
        it.close();
        assertThrows(IllegalStateException.class, it::hasNext);

        KvWriteBatch batch = store.newBatch().put(LOG, ofLong(2), b("b"));
        batch.close();
        assertThrows(IllegalStateException.class, () -> store.write(batch, true));
        assertThrows(IllegalStateException.class, () -> batch.delete(LOG, ofLong(1)));
        assertNull(store.get(LOG, ofLong(2)));
    }

    @Test
    void batchOfAnotherStoreIsRejected() {
        KvStore store = open(LOG);
        KvStore other = KvStore.open(dir.resolve("other"), List.of(LOG));
        stores.add(other);
        try (KvWriteBatch foreign = other.newBatch().put(LOG, ofLong(1), b("a"))) {
            assertThrows(IllegalArgumentException.class, () -> store.write(foreign, true));
        }
        assertNull(store.get(LOG, ofLong(1)));
    }

    @Test
    void openingAnOpenStoreAgainFailsClearly() {
        KvStore store = open(LOG);
        store.put(LOG, b("k"), b("v"));

        KvStoreException e = assertThrows(KvStoreException.class, () -> KvStore.open(dir, List.of(LOG)));
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("locked"), e.getMessage());

        // The failed open leaves the first store working, and the directory opens once it is closed.
        assertArrayEquals(b("v"), store.get(LOG, b("k")));
        store.close();
        assertArrayEquals(b("v"), open(LOG).get(LOG, b("k")));
    }

    @Test
    void refusesAPathThatIsNotADirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a store");
        KvStoreException e = assertThrows(KvStoreException.class, () -> KvStore.open(file, List.of(LOG)));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void refusesADirectoryHoldingSomethingElse() throws Exception {
        Path logDir = Files.createDirectories(dir.resolve("orders-0"));
        Files.write(logDir.resolve("00000000000000000000.index"), new byte[] {1, 2, 3});
        KvStoreException e = assertThrows(KvStoreException.class, () -> KvStore.open(logDir, List.of(LOG)));
        assertTrue(e.getMessage().contains(logDir.toString()) && e.getMessage().contains("not a RocksDB store")
            && e.getMessage().contains("00000000000000000000.index"), e.getMessage());
        try (var files = Files.list(logDir)) {
            assertEquals(1, files.count(), "nothing was created in the foreign directory");
        }
    }

    @Test
    void corruptStoreFailsClearly() throws Exception {
        open(LOG).close();
        Files.writeString(dir.resolve("CURRENT"), "MANIFEST-999999\n");
        KvStoreException e = assertThrows(KvStoreException.class, () -> KvStore.open(dir, List.of(LOG)));
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()) && e.getMessage().contains("cannot open"),
            e.getMessage());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> KvStore.open(dir, List.of("")));
        KvStore store = open(LOG);
        assertThrows(NullPointerException.class, () -> store.put(LOG, null, b("v")));
        assertThrows(NullPointerException.class, () -> store.put(LOG, b("k"), null));
        assertThrows(NullPointerException.class, () -> store.get(null, b("k")));
    }
}
