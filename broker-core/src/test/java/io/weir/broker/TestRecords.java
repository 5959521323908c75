package io.weir.broker;

import io.weir.common.record.CompressionType;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.MemoryRecordsBuilder;
import io.weir.common.record.Record;
import io.weir.common.record.RecordBatch;
import io.weir.common.record.TimestampType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds produce batches and reads values back, for tests. */
public final class TestRecords {
  private TestRecords() {}

  public static MemoryRecords batch(String... values) {
    return idempotentBatch(RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, values);
  }

  public static MemoryRecords idempotentBatch(long producerId, short epoch, int baseSeq, String... values) {
    MemoryRecordsBuilder b =
        new MemoryRecordsBuilder(CompressionType.NONE, TimestampType.CREATE_TIME, 0, 1 << 16);
    if (producerId != RecordBatch.NO_PRODUCER_ID) {
      b.setProducerState(producerId, epoch, baseSeq, false);
    }
    long now = System.currentTimeMillis();
    for (String v : values) {
      b.append(now, null, v.getBytes(StandardCharsets.UTF_8), List.of());
    }
    return b.build();
  }

  /** A fresh copy (the log stamps offsets into the buffer it is given). */
  public static MemoryRecords copy(MemoryRecords records) {
    ByteBuffer src = records.buffer();
    ByteBuffer dst = ByteBuffer.allocate(src.remaining());
    dst.put(src).flip();
    return MemoryRecords.readableRecords(dst);
  }

  public static byte[] bytes(MemoryRecords records) {
    ByteBuffer src = records.buffer();
    byte[] out = new byte[src.remaining()];
    src.get(out);
    return out;
  }

  /** Offset and value of every record. */
  public static List<Entry> entries(MemoryRecords records) {
    List<Entry> out = new ArrayList<>();
    for (RecordBatch batch : records) {
      for (Record r : batch.records()) {
        out.add(new Entry(r.offset(), new String(r.valueBytes(), StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  public record Entry(long offset, String value) {}
}
