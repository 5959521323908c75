package io.weir.common.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.common.record.compression.CompressionCodec;
import io.weir.common.utils.ByteBufferOutputStream;
import io.weir.common.utils.ByteUtils;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Damaged and hand-made batches: every check names what is wrong. */
class RecordBatchValidationTest {
  private static final long BASE_OFFSET = 1000;
  private static final long BASE_TIMESTAMP = 5000;

  /** One record's bytes, length prefix included, from its fields. */
  private static byte[] record(long timestampDelta, int offsetDelta, int keyLength, int valueLength) {
    ByteBuffer body = ByteBuffer.allocate(64 + Math.max(keyLength, 0) + Math.max(valueLength, 0));
    body.put((byte) 0);
    ByteUtils.writeVarlong(timestampDelta, body);
    ByteUtils.writeVarint(offsetDelta, body);
    ByteUtils.writeVarint(keyLength, body);
    body.put(new byte[Math.max(keyLength, 0)]);
    ByteUtils.writeVarint(valueLength, body);
    body.put(new byte[Math.max(valueLength, 0)]);
    ByteUtils.writeVarint(0, body);
    body.flip();
    ByteBuffer out = ByteBuffer.allocate(body.remaining() + 5);
    ByteUtils.writeVarint(body.remaining(), out);
    out.put(body).flip();
    return Arrays.copyOf(out.array(), out.limit());
  }

  private static byte[] concat(byte[]... parts) {
    ByteBufferOutputStream out = new ByteBufferOutputStream(64);
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return Arrays.copyOf(out.array(), out.position());
  }

  /** A batch with a correct CRC around whatever records section and header counts it is given. */
  private static RecordBatch batch(
      CompressionType type, byte[] records, int count, int lastOffsetDelta, long maxTimestamp) {
    byte[] section = records;
    if (type != CompressionType.NONE) {
      ByteBufferOutputStream out = new ByteBufferOutputStream(64);
      CompressionCodec.forType(type).compress(records, 0, records.length, out);
      section = Arrays.copyOf(out.array(), out.position());
    }
    ByteBuffer buffer = ByteBuffer.allocate(RecordBatch.HEADER_SIZE + section.length);
    buffer
        .putLong(BASE_OFFSET)
        .putInt(buffer.capacity() - RecordBatch.LOG_OVERHEAD)
        .putInt(0)
        .put(RecordBatch.MAGIC)
        .putInt(0)
        .putShort((short) type.id)
        .putInt(lastOffsetDelta)
        .putLong(BASE_TIMESTAMP)
        .putLong(maxTimestamp)
        .putLong(-1)
        .putShort((short) -1)
        .putInt(-1)
        .putInt(count)
        .put(section)
        .flip();
    RecordBatch batch = RecordBatch.wrap(buffer);
    batch.writeChecksum();
    return batch;
  }

  private static RecordBatch batch(byte[] records, int count, int lastOffsetDelta) {
    return batch(CompressionType.NONE, records, count, lastOffsetDelta, BASE_TIMESTAMP);
  }

  private static String rejection(RecordBatch batch) {
    return assertThrows(CorruptRecordException.class, batch::validateRecords).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "'" + message + "' should mention '" + p + "'");
    }
  }

  private static RecordBatch built(CompressionType type) {
    return Sample.build(Sample.builder(type, BASE_OFFSET), Sample.mixed(BASE_OFFSET, 20, 9)).iterator().next();
  }

  @Test
  void handMadeBatchIsValid() {
    RecordBatch ok = batch(concat(record(0, 0, 3, 5), record(0, 1, -1, -1)), 2, 1);
    ok.validateRecords();
    List<Record> records = new ArrayList<>();
    ok.records().forEach(records::add);
    assertEquals(List.of(1000L, 1001L), records.stream().map(Record::offset).toList());
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void flippedByteFailsTheCrc(CompressionType type) {
    RecordBatch batch = built(type);
    ByteBuffer bytes = batch.buffer();
    int at = RecordBatch.HEADER_SIZE + (bytes.limit() - RecordBatch.HEADER_SIZE) / 2;
    bytes.put(at, (byte) (bytes.get(at) ^ 0x10));
    assertMentions(rejection(batch), "offset 1000", "CRC");
    assertFalse(batch.isValid());

    RecordBatch other = built(type);
    other.buffer().put(RecordBatch.CRC_OFFSET + 2, (byte) (other.buffer().get(RecordBatch.CRC_OFFSET + 2) ^ 1));
    assertMentions(rejection(other), "CRC");
  }

  @Test
  void wrongMagicIsNamed() {
    RecordBatch batch = built(CompressionType.NONE);
    batch.buffer().put(RecordBatch.MAGIC_OFFSET, (byte) 1);
    assertMentions(rejection(batch), "magic 1");
  }

  @Test
  void truncatedBatchIsRefused() {
    ByteBuffer bytes = built(CompressionType.LZ4).buffer();
    ByteBuffer cut = bytes.limit(bytes.limit() - 1).slice();
    assertMentions(
        assertThrows(CorruptRecordException.class, () -> RecordBatch.wrap(cut)).getMessage(), "batchLength");
    assertFalse(MemoryRecords.readableRecords(cut).iterator().hasNext(), "a partial batch is not iterated");
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void recordCountMustMatchTheRecordsPresent(CompressionType type) {
    byte[] three = concat(record(0, 0, 1, 1), record(0, 1, 1, 1), record(0, 2, 1, 1));
    batch(type, three, 3, 2, BASE_TIMESTAMP).validateRecords();
    assertMentions(
        rejection(batch(type, three, 4, 3, BASE_TIMESTAMP)), "record 3", "runs past");
    assertMentions(
        rejection(batch(type, three, 2, 2, BASE_TIMESTAMP)), "bytes after its last record", "recordCount 2");
  }

  @Test
  void countAboveLastOffsetDeltaIsCaughtByTheHeaderCheck() {
    byte[] two = concat(record(0, 0, 1, 1), record(0, 1, 1, 1));
    assertMentions(rejection(batch(two, 2, 0)), "lastOffsetDelta 0");
  }

  @Test
  void malformedVarintIsNamed() {
    byte[] overlong = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    assertMentions(rejection(batch(overlong, 1, 0)), "record 0", "varint");

    byte[] good = record(0, 0, 2, 2);
    byte[] badKeyVarint = good.clone();
    badKeyVarint[good.length - 1] = (byte) 0x80; // header count varint never ends
    assertMentions(rejection(batch(badKeyVarint, 1, 0)), "record 0");
  }

  @Test
  void lengthsMustStayInsideTheRecord() {
    byte[] r = record(0, 0, 2, 2);
    // Layout: length, attributes, timestampDelta, offsetDelta, keyLength at index 4.
    byte[] keyTooLong = r.clone();
    keyTooLong[4] = (byte) (40 << 1);
    assertMentions(rejection(batch(keyTooLong, 1, 0)), "key length 40");

    byte[] negativeKey = r.clone();
    negativeKey[4] = 0x03; // zigzag -2
    assertMentions(rejection(batch(negativeKey, 1, 0)), "key length -2");

    byte[] shortLength = r.clone();
    shortLength[0] = (byte) ((r.length - 2) << 1); // one byte less than the fields need
    assertMentions(rejection(batch(concat(shortLength, new byte[1]), 1, 0)), "runs past");

    byte[] longLength = concat(r, new byte[1]);
    longLength[0] = (byte) (r.length << 1); // one byte more than the fields use
    assertMentions(rejection(batch(longLength, 1, 0)), "ends 1 bytes before");
  }

  @Test
  void offsetDeltasMustIncreaseWithinLastOffsetDelta() {
    assertMentions(
        rejection(batch(concat(record(0, 0, 1, 1), record(0, 0, 1, 1)), 2, 1)), "record 1 at offset delta 0");
    assertMentions(
        rejection(batch(concat(record(0, 3, 1, 1), record(0, 2, 1, 1)), 2, 3)), "record 1 at offset delta 2");
    assertMentions(
        rejection(batch(concat(record(0, 0, 1, 1), record(0, 5, 1, 1)), 2, 4)), "lastOffsetDelta 4");
    assertMentions(rejection(batch(record(0, -1, 1, 1), 1, 0)), "offset delta -1");
    // Gaps within lastOffsetDelta are fine: compaction leaves them.
    batch(concat(record(0, 0, 1, 1), record(0, 7, 1, 1)), 2, 9).validateRecords();
  }

  @Test
  void maxTimestampMustBeTheLargestRecordTimestamp() {
    byte[] records = concat(record(0, 0, 1, 1), record(40, 1, 1, 1), record(-10, 2, 1, 1));
    batch(CompressionType.NONE, records, 3, 2, BASE_TIMESTAMP + 40).validateRecords();
    assertMentions(
        rejection(batch(CompressionType.NONE, records, 3, 2, BASE_TIMESTAMP + 41)),
        "maxTimestamp 5041",
        "5040");
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void compressedGarbageIsCorruptNamingCodecAndBatch(CompressionType type) {
    RecordBatch batch = built(type);
    ByteBuffer bytes = batch.buffer();
    for (int i = RecordBatch.HEADER_SIZE; i < bytes.limit(); i++) {
      bytes.put(i, (byte) (i * 31));
    }
    batch.writeChecksum();
    assertMentions(rejection(batch), "offset 1000", type.configName);
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void decompressionIsBoundedPerBatch(CompressionType type) {
    MemoryRecordsBuilder builder = Sample.builder(type, BASE_OFFSET);
    builder.append(1, null, new byte[4 << 20], null);
    RecordBatch batch = builder.build().iterator().next();
    assertTrue(batch.sizeInBytes() < 1 << 20);
    batch.validateRecords();
    CorruptRecordException e =
        assertThrows(CorruptRecordException.class, () -> batch.validateRecords(1 << 20));
    assertMentions(e.getMessage(), "offset 1000", "limit");
    assertThrows(CorruptRecordException.class, () -> batch.records(1 << 20).iterator());
  }

  @Test
  void unknownCodecIdIsNamed() {
    RecordBatch batch = built(CompressionType.NONE);
    batch.buffer().putShort(RecordBatch.ATTRIBUTES_OFFSET, (short) 6);
    batch.writeChecksum();
    assertMentions(rejection(batch), "codec id 6");
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void stampingOffsetAndEpochKeepsTheCrc(CompressionType type) {
    RecordBatch batch = built(type);
    long crc = batch.checksum();
    batch.setBaseOffset(9_000_000_000L);
    batch.setPartitionLeaderEpoch(12);
    batch.validateRecords();
    assertEquals(crc, batch.checksum());
    assertEquals(12, batch.partitionLeaderEpoch());
    List<Long> offsets = new ArrayList<>();
    batch.records().forEach(r -> offsets.add(r.offset()));
    assertEquals(9_000_000_000L, offsets.get(0));
    assertEquals(batch.lastOffset(), offsets.get(offsets.size() - 1));

    batch.setLogAppendTime(123_456L);
    batch.validateRecords();
    batch.records().forEach(r -> assertEquals(123_456L, r.timestamp()));
  }

  @Test
  void readsBatchesFromDirectBuffers() {
    ByteBuffer heap = built(CompressionType.SNAPPY).buffer();
    ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining()).put(heap).flip();
    RecordBatch batch = MemoryRecords.readableRecords(direct).iterator().next();
    batch.validateRecords();
    Sample.assertRecords(Sample.mixed(BASE_OFFSET, 20, 9), batch.records());

    ByteBuffer plain = built(CompressionType.NONE).buffer();
    ByteBuffer directPlain = ByteBuffer.allocateDirect(plain.remaining()).put(plain).flip();
    Sample.assertRecords(
        Sample.mixed(BASE_OFFSET, 20, 9), MemoryRecords.readableRecords(directPlain).iterator().next().records());
  }
}
