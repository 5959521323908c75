package io.weir.bench;

import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.Role;
import io.weir.metadata.raft.runtime.ControllerListener;
import io.weir.metadata.raft.runtime.QuorumConfig;
import io.weir.metadata.raft.runtime.RaftRuntime;
import io.weir.metadata.raft.runtime.StateMachine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Commit throughput and latency of a 3-voter Raft quorum on loopback: real gRPC between the voters, real
 * RocksDB with a synced write per Ready on each voter, default timings (50 ms ticks, 1 s election timeout).
 * Proposals go to the leader with a bounded number in flight; a proposal's latency runs from propose() to
 * its future completing, i.e. committed by a majority and applied on the leader.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.weir.bench.RaftCommitBenchmark
 * [entries=100000] [inflight=1000] [sizes=100,1024] [dir=<tmp>]}
 */
public final class RaftCommitBenchmark {

    private static final int VOTERS = 3;
    private static final int WARMUP_ENTRIES = 20_000;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("entries", "100000", "inflight", "1000",
                "sizes", "100,1024", "dir", System.getProperty("java.io.tmpdir")));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !opts.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; expected one of "
                        + opts.keySet() + " as key=value");
            }
            opts.put(kv[0], kv[1]);
        }
        int entries = Integer.parseInt(opts.get("entries"));
        int inflight = Integer.parseInt(opts.get("inflight"));
        System.out.printf("Raft quorum commit: %d voters on 127.0.0.1, %d entries per run, %d in flight, %d cores%n",
                VOTERS, entries, inflight, Runtime.getRuntime().availableProcessors());
        for (String size : opts.get("sizes").split(",")) {
            Path dir = Files.createTempDirectory(Path.of(opts.get("dir")), "raft-bench-");
            try {
                run(dir, Integer.parseInt(size.trim()), entries, inflight);
            } finally {
                deleteRecursively(dir);
            }
        }
    }

    private static void run(Path dir, int size, int entries, int inflight) throws Exception {
        List<ControllerListener> listeners = new ArrayList<>();
        List<RaftRuntime> runtimes = new ArrayList<>();
        try {
            StringJoiner voters = new StringJoiner(",");
            for (int id = 1; id <= VOTERS; id++) {
                ControllerListener l = ControllerListener.bind("127.0.0.1", 0);
                listeners.add(l);
                voters.add(id + "@127.0.0.1:" + l.endpoint().port());
            }
            for (int id = 1; id <= VOTERS; id++) {
                QuorumConfig config = QuorumConfig.fromProperties(Map.of(
                        QuorumConfig.NODE_ID, String.valueOf(id),
                        QuorumConfig.VOTERS, voters.toString(),
                        QuorumConfig.METADATA_LOG_DIR, dir.resolve("node-" + id).toString()));
                runtimes.add(RaftRuntime.start(config, new CountingStateMachine(), listeners.get(id - 1)));
            }
            RaftRuntime leader = awaitLeader(runtimes);
            byte[] payload = new byte[size];
            Arrays.fill(payload, (byte) 'w');
            measure(leader, payload, WARMUP_ENTRIES, inflight);
            long[] latencies = new long[entries];
            long start = System.nanoTime();
            measure(leader, payload, entries, inflight, latencies);
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(latencies);
            System.out.printf("entry %5d B: %9.0f entries/s %7.2f MB/s  commit latency p50 %6.2f ms  p99 %6.2f ms"
                            + "  (%d entries in %.2f s)%n",
                    size, entries / seconds, entries * (double) size / seconds / 1e6,
                    latencies[entries / 2] / 1e6, latencies[(int) (entries * 0.99)] / 1e6, entries, seconds);
        } finally {
            runtimes.forEach(RaftRuntime::close);
            listeners.forEach(ControllerListener::close);
        }
    }

    private static void measure(RaftRuntime leader, byte[] payload, int n, int inflight) throws Exception {
        measure(leader, payload, n, inflight, new long[n]);
    }

    private static void measure(RaftRuntime leader, byte[] payload, int n, int inflight, long[] latencies)
            throws Exception {
        Semaphore window = new Semaphore(inflight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < n && failure.get() == null; i++) {
            if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no proposal completed within 30 s");
            }
            int slot = i;
            long t0 = System.nanoTime();
            CompletableFuture<Long> f = leader.propose(payload);
            f.whenComplete((index, error) -> {
                latencies[slot] = System.nanoTime() - t0;
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                window.release();
            });
        }
        if (!window.tryAcquire(inflight, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("proposals still pending after 60 s");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a proposal failed", failure.get());
        }
    }

    private static RaftRuntime awaitLeader(List<RaftRuntime> runtimes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (RaftRuntime r : runtimes) {
                if (r.role() == Role.LEADER) {
                    return r;
                }
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException("no leader elected within 30 s");
    }

    /** Keeps only a count and a checksum, so the figures measure Raft rather than an application. */
    private static final class CountingStateMachine implements StateMachine {
        private long applied; // driver thread only
        private long bytes;

        @Override
        public void apply(Entry entry) {
            applied++;
            bytes += entry.data().length;
        }

        @Override
        public byte[] snapshot() {
            return ByteBuffer.allocate(16).putLong(applied).putLong(bytes).array();
        }

        @Override
        public void restore(byte[] snapshot) {
            ByteBuffer b = ByteBuffer.wrap(snapshot);
            applied = b.getLong();
            bytes = b.getLong();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
