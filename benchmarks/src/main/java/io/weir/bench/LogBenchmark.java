package io.weir.bench;

import io.weir.common.record.CompressionType;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.MemoryRecordsBuilder;
import io.weir.common.record.TimestampType;
import io.weir.storage.log.FetchDataInfo;
import io.weir.storage.log.Log;
import io.weir.storage.log.LogConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Appending to and reading from a partition log, with batches of 1 KiB records. Besides the
 * primary score (invocations/s), each benchmark reports the secondary metric {@code bytes}: bytes
 * of batch data per second, to divide by 1,000,000 for MB/s.
 *
 * <ul>
 *   <li>{@code append}: leader append (validation, offset and epoch stamping, write to the page
 *       cache), what a broker does per produced batch.
 *   <li>{@code appendAndFlush}: {@value #BATCHES_PER_FLUSH} appends then an fsync, so the figure
 *       includes getting the bytes to the disk: the one to set beside a raw disk write.
 *   <li>{@code read}: sequential reads of whole batches into a direct buffer (the one copy a fetch
 *       makes), from the page cache.
 * </ul>
 *
 * The log lives under {@code java.io.tmpdir}; point it at the disk being measured. {@code
 * bench/storage-vs-disk.sh} runs this beside dd on the same directory.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class LogBenchmark {
  static final int RECORD_SIZE = 1024;
  static final int BATCHES_PER_FLUSH = 64;
  /** Reads walk a prefilled log of this many bytes, then start over. */
  static final long READ_LOG_BYTES = 256L << 20;

  /** Bytes of record values per batch: 1 MiB is a large batch, 16 KiB a producer's default. */
  @Param({"1048576", "16384"})
  public int batchBytes;

  private Path dir;
  private Log log;
  private MemoryRecords batch;
  private ByteBuffer readBuffer;
  private long readOffset;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Random random = new Random(7);
    MemoryRecordsBuilder builder =
        new MemoryRecordsBuilder(CompressionType.NONE, TimestampType.CREATE_TIME, 0, batchBytes * 2);
    byte[] value = new byte[RECORD_SIZE];
    long now = System.currentTimeMillis();
    for (int i = 0; i < batchBytes / RECORD_SIZE; i++) {
      random.nextBytes(value);
      builder.append(now, null, value.clone(), null);
    }
    batch = builder.build();
    readBuffer = ByteBuffer.allocateDirect(batch.sizeInBytes() * 2);
    dir = Files.createTempDirectory("weir-log-bench");
  }

  /** Bytes moved, reported by JMH as a rate beside the primary score. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  @Setup(Level.Iteration)
  public void openEmptyLog(BenchmarkParams params) {
    log = Log.open(dir.resolve("bench-0"), LogConfig.defaults(), System::currentTimeMillis);
    log.truncateFullyAndStartAt(0);
    if (params.getBenchmark().endsWith(".read")) {
      while (log.size() < READ_LOG_BYTES) {
        log.appendAsLeader(batch, 0);
      }
      readOffset = 0;
    }
  }

  @TearDown(Level.Iteration)
  public void closeLog() {
    log.truncateFullyAndStartAt(0);
    log.close();
  }

  @TearDown(Level.Trial)
  public void deleteDir() throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public long append(Bytes counter) {
    counter.bytes += batch.sizeInBytes();
    return log.appendAsLeader(batch, 0).lastOffset();
  }

  @Benchmark
  public void appendAndFlush(Bytes counter) {
    for (int i = 0; i < BATCHES_PER_FLUSH; i++) {
      log.appendAsLeader(batch, 0);
    }
    log.flush();
    counter.bytes += (long) BATCHES_PER_FLUSH * batch.sizeInBytes();
  }

  @Benchmark
  public int read(Bytes counter) {
    if (readOffset >= log.logEndOffset()) {
      readOffset = 0;
    }
    FetchDataInfo info = log.read(readOffset, batch.sizeInBytes(), log.logEndOffset(), true);
    readBuffer.clear();
    try {
      info.records().readInto(readBuffer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    readOffset += batchBytes / RECORD_SIZE;
    counter.bytes += readBuffer.position();
    return readBuffer.position();
  }
}
