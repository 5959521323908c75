package io.weir.common.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MemoryRecordsBuilderTest {

  private static RecordBatch onlyBatch(MemoryRecords records) {
    List<RecordBatch> batches = new ArrayList<>();
    records.forEach(batches::add);
    assertEquals(1, batches.size());
    return batches.get(0);
  }

  private static List<Record> list(Iterable<Record> records) {
    List<Record> out = new ArrayList<>();
    records.forEach(out::add);
    return out;
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void roundTripsMixedRecordsWithAFilledHeader(CompressionType type) {
    List<Sample> samples = Sample.mixed(500, 200, 13);
    RecordBatch batch = onlyBatch(Sample.build(Sample.builder(type, 500), samples));

    batch.validateRecords();
    assertEquals(type, batch.compressionType());
    assertEquals(RecordBatch.MAGIC, batch.magic());
    assertEquals(500, batch.baseOffset());
    assertEquals(samples.size(), batch.recordCount());
    assertEquals(samples.get(samples.size() - 1).offset() - 500, batch.lastOffsetDelta());
    assertEquals(samples.get(0).timestamp(), batch.baseTimestamp());
    assertEquals(Sample.maxTimestamp(samples), batch.maxTimestamp());
    assertEquals(TimestampType.CREATE_TIME, batch.timestampType());
    assertEquals(RecordBatch.NO_PRODUCER_ID, batch.producerId());
    assertEquals(RecordBatch.NO_SEQUENCE, batch.baseSequence());
    assertEquals(RecordBatch.NO_PARTITION_LEADER_EPOCH, batch.partitionLeaderEpoch());
    assertFalse(batch.isTransactional());
    Sample.assertRecords(samples, batch.records());
    // A second pass starts over.
    Sample.assertRecords(samples, batch.records());
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void keepsNullsEmptiesAndHeaders(CompressionType type) {
    MemoryRecordsBuilder builder = Sample.builder(type, 0);
    builder.append(10, (byte[]) null, null, null);
    builder.append(11, new byte[0], new byte[0], List.of());
    builder.append(12, "k".getBytes(StandardCharsets.UTF_8), null, List.of(new Header("h", null)));
    List<Record> records = list(onlyBatch(builder.build()).records());

    assertEquals(3, records.size());
    assertNull(records.get(0).key());
    assertNull(records.get(0).value());
    assertEquals(-1, records.get(0).valueSize());
    assertEquals(0, records.get(1).keySize());
    assertEquals(0, records.get(1).valueSize());
    assertTrue(records.get(1).hasValue());
    assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), records.get(2).keyBytes());
    assertFalse(records.get(2).hasValue());
    assertEquals(List.of(new Header("h", null)), records.get(2).headers());
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void roundTripsLargeRecords(CompressionType type) {
    Random random = new Random(type.id);
    byte[] incompressible = new byte[1 << 20];
    random.nextBytes(incompressible);
    byte[] compressible = Sample.text(random, 3 << 20);
    List<Sample> samples =
        List.of(
            new Sample(0, 1, null, incompressible, List.of()),
            new Sample(1, 2, incompressible, compressible, List.of(new Header("big", incompressible))),
            new Sample(2, 3, null, compressible, List.of()));
    RecordBatch batch = onlyBatch(Sample.build(new MemoryRecordsBuilder(type, TimestampType.CREATE_TIME, 0, 1), samples));
    batch.validateRecords();
    Sample.assertRecords(samples, batch.records());
  }

  @Test
  void offsetsMayHaveGapsButMustIncrease() {
    MemoryRecordsBuilder builder = Sample.builder(CompressionType.NONE, 100);
    assertEquals(100, builder.nextOffset());
    builder.appendWithOffset(105, 1, (byte[]) null, new byte[1], null);
    assertEquals(106, builder.nextOffset());
    assertEquals(106, builder.append(2, (byte[]) null, new byte[1], null));
    builder.appendWithOffset(190, 3, (byte[]) null, new byte[1], null);

    assertThrows(IllegalArgumentException.class, () -> builder.appendWithOffset(190, 4, (byte[]) null, null, null));
    assertThrows(IllegalArgumentException.class, () -> builder.appendWithOffset(150, 4, (byte[]) null, null, null));
    assertThrows(IllegalArgumentException.class, () -> builder.append(-5, (byte[]) null, null, null));
    RecordBatch batch = onlyBatch(builder.build());
    batch.validateRecords();
    assertEquals(90, batch.lastOffsetDelta());
    assertEquals(191, batch.nextOffset());
    assertEquals(List.of(105L, 106L, 190L), list(batch.records()).stream().map(Record::offset).toList());
    assertThrows(
        IllegalArgumentException.class,
        () -> Sample.builder(CompressionType.NONE, 0).appendWithOffset(1L << 31, 1, (byte[]) null, null, null));
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void logAppendTimeBecomesEveryRecordsTimestamp(CompressionType type) {
    MemoryRecordsBuilder builder = new MemoryRecordsBuilder(type, TimestampType.LOG_APPEND_TIME, 0, 1024);
    builder.append(5, (byte[]) null, new byte[3], null);
    builder.append(RecordBatch.NO_TIMESTAMP, (byte[]) null, new byte[3], null);
    assertThrows(IllegalStateException.class, builder::build, "needs an append time");
    builder.setLogAppendTime(777);
    RecordBatch batch = onlyBatch(builder.build());
    batch.validateRecords();
    assertEquals(TimestampType.LOG_APPEND_TIME, batch.timestampType());
    assertEquals(777, batch.maxTimestamp());
    assertEquals(List.of(777L, 777L), list(batch.records()).stream().map(Record::timestamp).toList());
  }

  @Test
  void producerStateAndEpochLandInTheHeader() {
    MemoryRecordsBuilder builder =
        Sample.builder(CompressionType.NONE, 0)
            .setProducerState(42, (short) 7, Integer.MAX_VALUE - 1, true)
            .setPartitionLeaderEpoch(3);
    for (int i = 0; i < 4; i++) {
      builder.append(i, (byte[]) null, new byte[1], null);
    }
    RecordBatch batch = onlyBatch(builder.build());
    batch.validate();
    assertEquals(42, batch.producerId());
    assertEquals(7, batch.producerEpoch());
    assertEquals(Integer.MAX_VALUE - 1, batch.baseSequence());
    assertEquals(1, batch.lastSequence(), "sequences wrap past Integer.MAX_VALUE");
    assertTrue(batch.isTransactional());
    assertEquals(3, batch.partitionLeaderEpoch());
    assertThrows(
        IllegalArgumentException.class,
        () -> Sample.builder(CompressionType.NONE, 0).setProducerState(RecordBatch.NO_PRODUCER_ID, (short) 0, 0, true));
  }

  @Test
  void buildIsFinalAndEmptyBuildsNothing() {
    assertSame(MemoryRecords.EMPTY, Sample.builder(CompressionType.GZIP, 0).build());
    MemoryRecordsBuilder builder = Sample.builder(CompressionType.NONE, 0);
    builder.append(1, (byte[]) null, new byte[10], null);
    MemoryRecords first = builder.build();
    assertSame(first, builder.build());
    assertTrue(builder.isFull());
    assertFalse(builder.hasRoomFor(1, (byte[]) null, new byte[1], null));
    assertThrows(IllegalStateException.class, () -> builder.append(2, (byte[]) null, null, null));
    assertThrows(IllegalStateException.class, () -> builder.setPartitionLeaderEpoch(1));
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void sizeEstimateHonoursTheWriteLimit(CompressionType type) {
    int limit = 4096;
    MemoryRecordsBuilder builder = new MemoryRecordsBuilder(type, TimestampType.CREATE_TIME, 0, limit);
    byte[] value = new byte[100];
    int appended = 0;
    while (builder.hasRoomFor(1000 + appended, null, value, null)) {
      assertFalse(builder.isFull());
      builder.append(1000 + appended, null, value, null);
      appended++;
      assertTrue(appended < 100, "the limit stops appends");
    }
    int estimate = builder.estimatedSizeInBytes();
    assertTrue(estimate <= limit && estimate > limit - 120, "estimate " + estimate);
    MemoryRecords built = builder.build();
    assertTrue(built.sizeInBytes() <= estimate, "estimate is an upper bound");
    if (type == CompressionType.NONE) {
      assertEquals(estimate, built.sizeInBytes(), "uncompressed estimate is exact");
    }
    assertEquals(appended, onlyBatch(built).recordCount());
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void aReusedBufferKeepsNothingOfItsOldContent(CompressionType type) {
    int limit = 64 * 1024;
    byte[] reused = new byte[MemoryRecordsBuilder.initialCapacity(limit)];
    java.util.Arrays.fill(reused, (byte) 0x7f);
    MemoryRecordsBuilder builder = new MemoryRecordsBuilder(type, TimestampType.CREATE_TIME, 7, limit, reused);
    List<Sample> samples = Sample.mixed(7, 100, 3).subList(0, 40);
    RecordBatch batch = onlyBatch(Sample.build(builder, samples));
    batch.validateRecords();
    assertEquals(7, batch.baseOffset());
    Sample.assertRecords(samples, batch.records());
    if (type == CompressionType.NONE) {
      assertSame(reused, batch.buffer().array(), "an uncompressed batch is built in the buffer it was given");
    }
  }

  @Test
  void aBufferTooSmallForTheLimitIsNotUsed() {
    byte[] small = new byte[100];
    MemoryRecordsBuilder builder = new MemoryRecordsBuilder(CompressionType.NONE, TimestampType.CREATE_TIME, 0, 4096, small);
    builder.append(1, null, new byte[50], null);
    assertFalse(builder.build().buffer().array() == small);
  }

  @Test
  void firstRecordIsAcceptedEvenAboveTheLimit() {
    MemoryRecordsBuilder builder = new MemoryRecordsBuilder(CompressionType.NONE, TimestampType.CREATE_TIME, 0, 10);
    assertTrue(builder.hasRoomFor(1, (byte[]) null, new byte[100], null));
    builder.append(1, (byte[]) null, new byte[100], null);
    assertTrue(builder.isFull());
    assertFalse(builder.hasRoomFor(1, (byte[]) null, new byte[1], null));
  }

  @Test
  void compressionRatioScalesTheEstimate() {
    MemoryRecordsBuilder builder =
        new MemoryRecordsBuilder(CompressionType.ZSTD, TimestampType.CREATE_TIME, 0, 1 << 20)
            .setEstimatedCompressionRatio(0.5f);
    builder.append(1, (byte[]) null, new byte[10_000], null);
    int records = builder.uncompressedBytes();
    assertEquals(RecordBatch.HEADER_SIZE + (records + 1) / 2, builder.estimatedSizeInBytes());
    MemoryRecords built = builder.build();
    assertEquals(records, builder.uncompressedBytes(), "still known for the next ratio estimate");
    assertEquals(built.sizeInBytes(), builder.estimatedSizeInBytes(), "exact once built");
  }

  @Test
  void byteBufferInputsAreReadFromTheirPositionAndNotMoved() {
    ByteBuffer key = ByteBuffer.wrap("xxkey".getBytes(StandardCharsets.UTF_8)).position(2);
    ByteBuffer value = ByteBuffer.allocateDirect(8).putLong(99L).flip();
    MemoryRecordsBuilder builder = Sample.builder(CompressionType.NONE, 0);
    builder.append(1, key, value, null);
    assertEquals(2, key.position());
    assertEquals(0, value.position());
    Record record = list(onlyBatch(builder.build()).records()).get(0);
    assertEquals(ByteBuffer.wrap("key".getBytes(StandardCharsets.UTF_8)), record.key());
    assertEquals(99L, record.value().getLong());
  }

  @Test
  void recordViewsAreReadOnlyAndIndependent() {
    MemoryRecordsBuilder builder = Sample.builder(CompressionType.NONE, 0);
    builder.append(1, new byte[] {1, 2}, new byte[] {3}, null);
    Record record = list(onlyBatch(builder.build()).records()).get(0);
    ByteBuffer key = record.key();
    assertTrue(key.isReadOnly());
    key.get();
    assertEquals(2, record.key().remaining(), "moving one view does not move the record's");
  }
}
