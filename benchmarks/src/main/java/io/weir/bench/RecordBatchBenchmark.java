package io.weir.bench;

import io.weir.common.record.CompressionType;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.MemoryRecordsBuilder;
import io.weir.common.record.Record;
import io.weir.common.record.RecordBatch;
import io.weir.common.record.TimestampType;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding and decoding one batch of {@value #RECORDS} records with {@value #VALUE_SIZE}-byte
 * values (about 100 KiB) per codec. Each invocation counts as {@value #BATCH_VALUE_BYTES}
 * operations, so the score in ops/s is value bytes per second: divide by 1,000,000 for MB/s.
 * Values are text-like (words from a small vocabulary) so codecs see realistic ratios.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar RecordBatchBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordBatchBenchmark {
  static final int RECORDS = 100;
  static final int VALUE_SIZE = 1024;
  static final int BATCH_VALUE_BYTES = RECORDS * VALUE_SIZE;

  @Param({"none", "gzip", "snappy", "lz4", "zstd"})
  public String codec;

  private CompressionType compression;
  private byte[][] keys;
  private byte[][] values;
  private RecordBatch batch;

  @Setup(Level.Trial)
  public void setUp() {
    compression = CompressionType.forName(codec);
    Random random = new Random(42);
    String[] words = {"order", "user", "id", "amount", "status", "ok", "eu-west", "1234", "{", "}", ":"};
    keys = new byte[RECORDS][];
    values = new byte[RECORDS][];
    for (int i = 0; i < RECORDS; i++) {
      keys[i] = ("key-" + i).getBytes(StandardCharsets.UTF_8);
      StringBuilder sb = new StringBuilder(VALUE_SIZE + 16);
      while (sb.length() < VALUE_SIZE) {
        sb.append(words[random.nextInt(words.length)]).append(' ');
      }
      values[i] = sb.substring(0, VALUE_SIZE).getBytes(StandardCharsets.US_ASCII);
    }
    batch = build().iterator().next();
  }

  private MemoryRecords build() {
    MemoryRecordsBuilder builder =
        new MemoryRecordsBuilder(compression, TimestampType.CREATE_TIME, 0, 2 * BATCH_VALUE_BYTES);
    long now = 1_700_000_000_000L;
    for (int i = 0; i < RECORDS; i++) {
      builder.append(now + i, keys[i], values[i], null);
    }
    return builder.build();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH_VALUE_BYTES)
  public MemoryRecords buildBatch() {
    return build();
  }

  /** What a consumer does: iterate every record, touching key and value. */
  @Benchmark
  @OperationsPerInvocation(BATCH_VALUE_BYTES)
  public void readBatch(Blackhole bh) {
    for (Record r : batch.records()) {
      bh.consume(r.offset());
      bh.consume(r.keySize());
      bh.consume(r.value().get(0));
    }
  }

  /** What a broker does on produce: header, CRC and every record's structure. */
  @Benchmark
  @OperationsPerInvocation(BATCH_VALUE_BYTES)
  public void validateBatch() {
    batch.validateRecords();
  }
}
