package io.weir.storage.log;

import io.weir.common.record.CompressionType;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.MemoryRecordsBuilder;
import io.weir.common.record.Record;
import io.weir.common.record.RecordBatch;
import io.weir.common.record.TimestampType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds and reads batches for the storage tests through common's real builder and reader. */
final class TestRecords {
  private TestRecords() {}

  /** One uncompressed batch of values v0..v(count-1) (prefixed), all at {@code timestamp}. */
  static MemoryRecords batch(long timestamp, int count, String prefix) {
    MemoryRecordsBuilder b =
        new MemoryRecordsBuilder(CompressionType.NONE, TimestampType.CREATE_TIME, 0, 1 << 20);
    for (int i = 0; i < count; i++) {
      b.append(timestamp, null, bytes(prefix + i), List.of());
    }
    return copy(b.build());
  }

  /** One batch of keyed records; a null value is a tombstone. */
  static MemoryRecords keyed(long timestamp, String... keysAndValues) {
    MemoryRecordsBuilder b =
        new MemoryRecordsBuilder(CompressionType.NONE, TimestampType.CREATE_TIME, 0, 1 << 20);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      b.append(timestamp, bytes(keysAndValues[i]), bytes(keysAndValues[i + 1]), List.of());
    }
    return copy(b.build());
  }

  /** A batch with explicit offsets (a follower's copy of the leader's log). */
  static MemoryRecords withOffsets(long baseOffset, int epoch, long timestamp, long... offsets) {
    MemoryRecordsBuilder b =
        new MemoryRecordsBuilder(
            CompressionType.NONE, TimestampType.CREATE_TIME, baseOffset, 1 << 20);
    b.setPartitionLeaderEpoch(epoch);
    for (long offset : offsets) {
      b.appendWithOffset(offset, timestamp, null, bytes("o" + offset), List.of());
    }
    return copy(b.build());
  }

  /** A private copy, so in-place stamping by the log cannot alias another test's buffer. */
  static MemoryRecords copy(MemoryRecords records) {
    ByteBuffer src = records.buffer();
    ByteBuffer dst = ByteBuffer.allocate(src.remaining());
    dst.put(src).flip();
    return MemoryRecords.readableRecords(dst);
  }

  static MemoryRecords concat(MemoryRecords... parts) {
    int size = 0;
    for (MemoryRecords p : parts) {
      size += p.sizeInBytes();
    }
    ByteBuffer all = ByteBuffer.allocate(size);
    for (MemoryRecords p : parts) {
      all.put(p.buffer());
    }
    return MemoryRecords.readableRecords(all.flip());
  }

  static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return new String(out, StandardCharsets.UTF_8);
  }

  static List<RecordBatch> batches(FileRecords records) {
    List<RecordBatch> out = new ArrayList<>();
    try {
      for (RecordBatch b : records.toMemoryRecords()) {
        out.add(b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Every record of the log from its start, following reads across segments. */
  static List<Record> readAll(Log log) {
    List<Record> out = new ArrayList<>();
    long offset = log.logStartOffset();
    for (int guard = 0; offset < log.logEndOffset() && guard < 1_000_000; guard++) {
      FileRecords slice = log.read(offset, 1 << 20, Long.MAX_VALUE, true).records();
      List<RecordBatch> batches = batches(slice);
      if (batches.isEmpty()) {
        break;
      }
      for (RecordBatch batch : batches) {
        batch.validate();
        for (Record r : batch.records()) {
          if (r.offset() >= offset) {
            out.add(r);
          }
        }
        offset = batch.nextOffset();
      }
    }
    return out;
  }

  static List<Long> offsets(List<Record> records) {
    List<Long> out = new ArrayList<>();
    for (Record r : records) {
      out.add(r.offset());
    }
    return out;
  }

  static List<String> values(List<Record> records) {
    List<String> out = new ArrayList<>();
    for (Record r : records) {
      out.add(string(r.value()));
    }
    return out;
  }
}
