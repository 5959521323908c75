package io.weir.client.consumer;

import io.weir.common.record.Header;
import io.weir.common.record.TimestampType;
import java.util.List;
import java.util.Optional;

/** A fetched record (Kafka's {@code ConsumerRecord}). */
public final class ConsumerRecord<K, V> {
  public static final int NULL_SIZE = -1;

  private final String topic;
  private final int partition;
  private final long offset;
  private final long timestamp;
  private final TimestampType timestampType;
  private final int serializedKeySize;
  private final int serializedValueSize;
  private final K key;
  private final V value;
  private final List<Header> headers;
  private final Optional<Integer> leaderEpoch;

  public ConsumerRecord(
      String topic, int partition, long offset, long timestamp, TimestampType timestampType, int serializedKeySize,
      int serializedValueSize, K key, V value, List<Header> headers, Optional<Integer> leaderEpoch) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.timestampType = timestampType;
    this.serializedKeySize = serializedKeySize;
    this.serializedValueSize = serializedValueSize;
    this.key = key;
    this.value = value;
    this.headers = headers;
    this.leaderEpoch = leaderEpoch;
  }

  public ConsumerRecord(String topic, int partition, long offset, K key, V value) {
    this(topic, partition, offset, -1L, TimestampType.CREATE_TIME, NULL_SIZE, NULL_SIZE, key, value, List.of(), Optional.empty());
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }

  public long timestamp() {
    return timestamp;
  }

  public TimestampType timestampType() {
    return timestampType;
  }

  public int serializedKeySize() {
    return serializedKeySize;
  }

  public int serializedValueSize() {
    return serializedValueSize;
  }

  public K key() {
    return key;
  }

  public V value() {
    return value;
  }

  public List<Header> headers() {
    return headers;
  }

  public Optional<Integer> leaderEpoch() {
    return leaderEpoch;
  }

  @Override
  public String toString() {
    return "ConsumerRecord(topic = " + topic + ", partition = " + partition + ", leaderEpoch = " + leaderEpoch.orElse(null)
        + ", offset = " + offset + ", " + timestampType + " = " + timestamp + ", key = " + key + ", value = " + value + ")";
  }
}
