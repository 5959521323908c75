package io.weir.common.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Batches cross between Weir and Apache Kafka's client library in both directions, per codec. */
class KafkaCompatibilityTest {
  private static final long PRODUCER_ID = 4711L;
  private static final short PRODUCER_EPOCH = 3;
  private static final int BASE_SEQUENCE = 100;
  private static final int LEADER_EPOCH = 9;

  private static Compression kafkaCompression(CompressionType type) {
    return switch (type) {
      case NONE -> Compression.NONE;
      case GZIP -> Compression.gzip().build();
      case SNAPPY -> Compression.snappy().build();
      case LZ4 -> Compression.lz4().build();
      case ZSTD -> Compression.zstd().build();
    };
  }

  private static org.apache.kafka.common.header.Header[] kafkaHeaders(List<Header> headers) {
    return headers.stream()
        .map(h -> new RecordHeader(h.key(), h.value()))
        .toArray(org.apache.kafka.common.header.Header[]::new);
  }

  /** A batch built by Kafka's MemoryRecordsBuilder, with this test's producer state and epoch. */
  private static ByteBuffer kafkaBatch(
      CompressionType type,
      org.apache.kafka.common.record.TimestampType timestampType,
      long logAppendTime,
      long baseOffset,
      List<Sample> samples) {
    org.apache.kafka.common.record.MemoryRecordsBuilder kafka =
        org.apache.kafka.common.record.MemoryRecords.builder(
            ByteBuffer.allocate(1024),
            org.apache.kafka.common.record.RecordBatch.MAGIC_VALUE_V2,
            kafkaCompression(type),
            timestampType,
            baseOffset,
            logAppendTime,
            PRODUCER_ID,
            PRODUCER_EPOCH,
            BASE_SEQUENCE,
            false,
            LEADER_EPOCH);
    for (Sample s : samples) {
      kafka.appendWithOffset(s.offset(), s.timestamp(), s.key(), s.value(), kafkaHeaders(s.headers()));
    }
    return kafka.build().buffer();
  }

  private static MutableRecordBatch onlyKafkaBatch(ByteBuffer bytes) {
    Iterator<MutableRecordBatch> batches =
        org.apache.kafka.common.record.MemoryRecords.readableRecords(bytes).batches().iterator();
    assertTrue(batches.hasNext(), "Kafka sees a batch");
    MutableRecordBatch batch = batches.next();
    assertFalse(batches.hasNext(), "Kafka sees exactly one batch");
    return batch;
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void kafkaReadsWeirBatches(CompressionType type) {
    List<Sample> samples = Sample.mixed(1000, 120, 7 + type.id);
    MemoryRecordsBuilder builder =
        Sample.builder(type, 1000)
            .setProducerState(PRODUCER_ID, PRODUCER_EPOCH, BASE_SEQUENCE, true)
            .setPartitionLeaderEpoch(LEADER_EPOCH);
    MemoryRecords weir = Sample.build(builder, samples);

    MutableRecordBatch batch = onlyKafkaBatch(weir.buffer());
    batch.ensureValid();
    assertEquals(type.id, batch.compressionType().id);
    assertEquals(1000, batch.baseOffset());
    assertEquals(samples.get(samples.size() - 1).offset(), batch.lastOffset());
    assertEquals(samples.size(), batch.countOrNull());
    assertEquals(Sample.maxTimestamp(samples), batch.maxTimestamp());
    assertEquals(org.apache.kafka.common.record.TimestampType.CREATE_TIME, batch.timestampType());
    assertEquals(PRODUCER_ID, batch.producerId());
    assertEquals(PRODUCER_EPOCH, batch.producerEpoch());
    assertEquals(BASE_SEQUENCE, batch.baseSequence());
    assertEquals(LEADER_EPOCH, batch.partitionLeaderEpoch());
    assertTrue(batch.isTransactional());

    List<org.apache.kafka.common.record.Record> records = new ArrayList<>();
    batch.forEach(records::add);
    assertEquals(samples.size(), records.size());
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      org.apache.kafka.common.record.Record r = records.get(i);
      assertEquals(s.offset(), r.offset(), "offset of record " + i);
      assertEquals(s.timestamp(), r.timestamp(), "timestamp of record " + i);
      assertArrayEquals(s.key(), Sample.bytes(r.key()), "key of record " + i);
      assertArrayEquals(s.value(), Sample.bytes(r.value()), "value of record " + i);
      assertArrayEquals(kafkaHeaders(s.headers()), r.headers(), "headers of record " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void weirReadsKafkaBatches(CompressionType type) {
    List<Sample> samples = Sample.mixed(50, 120, 31 + type.id);
    ByteBuffer bytes =
        kafkaBatch(
            type,
            org.apache.kafka.common.record.TimestampType.CREATE_TIME,
            org.apache.kafka.common.record.RecordBatch.NO_TIMESTAMP,
            50,
            samples);

    List<RecordBatch> batches = new ArrayList<>();
    MemoryRecords.readableRecords(bytes).forEach(batches::add);
    assertEquals(1, batches.size());
    RecordBatch batch = batches.get(0);
    batch.validateRecords();
    assertEquals(type, batch.compressionType());
    assertEquals(50, batch.baseOffset());
    assertEquals(samples.get(samples.size() - 1).offset(), batch.lastOffset());
    assertEquals(samples.size(), batch.recordCount());
    assertEquals(Sample.maxTimestamp(samples), batch.maxTimestamp());
    assertEquals(PRODUCER_ID, batch.producerId());
    assertEquals(PRODUCER_EPOCH, batch.producerEpoch());
    assertEquals(BASE_SEQUENCE, batch.baseSequence());
    assertEquals(LEADER_EPOCH, batch.partitionLeaderEpoch());
    assertFalse(batch.isTransactional());
    Sample.assertRecords(samples, batch.records());
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void logAppendTimeAgreesBothWays(CompressionType type) {
    long appendTime = Sample.BASE_TIMESTAMP + 99_999;
    List<Sample> samples = Sample.mixed(0, 20, 5);
    MemoryRecords weir =
        Sample.build(
            new MemoryRecordsBuilder(type, TimestampType.LOG_APPEND_TIME, 0, 1 << 20)
                .setLogAppendTime(appendTime),
            samples);
    MutableRecordBatch kafkaView = onlyKafkaBatch(weir.buffer());
    kafkaView.ensureValid();
    assertEquals(org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, kafkaView.timestampType());
    kafkaView.forEach(r -> assertEquals(appendTime, r.timestamp(), "Kafka's view of record " + r.offset()));

    ByteBuffer kafka =
        kafkaBatch(type, org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME, appendTime, 0, samples);
    RecordBatch batch = MemoryRecords.readableRecords(kafka).iterator().next();
    batch.validateRecords();
    assertEquals(TimestampType.LOG_APPEND_TIME, batch.timestampType());
    int n = 0;
    for (Record r : batch.records()) {
      assertEquals(appendTime, r.timestamp(), "Weir's view of record " + r.offset());
      n++;
    }
    assertEquals(samples.size(), n);
  }

  @Test
  void uncompressedBatchesAreByteForByteKafkas() {
    List<Sample> samples = Sample.mixed(77, 60, 3);
    MemoryRecords weir =
        Sample.build(
            Sample.builder(CompressionType.NONE, 77)
                .setProducerState(PRODUCER_ID, PRODUCER_EPOCH, BASE_SEQUENCE, false)
                .setPartitionLeaderEpoch(LEADER_EPOCH),
            samples);
    ByteBuffer kafka =
        kafkaBatch(
            CompressionType.NONE,
            org.apache.kafka.common.record.TimestampType.CREATE_TIME,
            org.apache.kafka.common.record.RecordBatch.NO_TIMESTAMP,
            77,
            samples);
    assertArrayEquals(Sample.bytes(kafka), Sample.bytes(weir.buffer()));
  }

  @Test
  void stampedWeirBatchStaysValidForKafka() {
    MemoryRecords weir = Sample.build(Sample.builder(CompressionType.ZSTD, 0), Sample.mixed(0, 30, 1));
    RecordBatch batch = weir.iterator().next();
    batch.setBaseOffset(123_456_789L);
    batch.setPartitionLeaderEpoch(17);
    MutableRecordBatch kafkaView = onlyKafkaBatch(weir.buffer());
    kafkaView.ensureValid();
    assertEquals(123_456_789L, kafkaView.baseOffset());
    assertEquals(17, kafkaView.partitionLeaderEpoch());
    assertEquals(123_456_789L, kafkaView.iterator().next().offset());
  }
}
