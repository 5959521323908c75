package io.weir.client.producer;

import io.weir.common.record.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A record to send (Kafka's {@code ProducerRecord}): topic, optional partition, optional timestamp
 * (the send time when null), key, value and headers. Headers are mutable until the record is sent.
 */
public final class ProducerRecord<K, V> {
  private final String topic;
  private final Integer partition;
  private final Long timestamp;
  private final K key;
  private final V value;
  private final List<Header> headers;

  public ProducerRecord(String topic, Integer partition, Long timestamp, K key, V value, Iterable<Header> headers) {
    this.topic = Objects.requireNonNull(topic, "topic cannot be null");
    if (partition != null && partition < 0) {
      throw new IllegalArgumentException("Invalid partition: " + partition + ". Partition number should always be non-negative or null.");
    }
    if (timestamp != null && timestamp < 0) {
      throw new IllegalArgumentException("Invalid timestamp: " + timestamp + ". Timestamp should always be non-negative or null.");
    }
    this.partition = partition;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
    this.headers = new ArrayList<>();
    if (headers != null) {
      headers.forEach(this.headers::add);
    }
  }

  public ProducerRecord(String topic, Integer partition, Long timestamp, K key, V value) {
    this(topic, partition, timestamp, key, value, null);
  }

  public ProducerRecord(String topic, Integer partition, K key, V value, Iterable<Header> headers) {
    this(topic, partition, null, key, value, headers);
  }

  public ProducerRecord(String topic, Integer partition, K key, V value) {
    this(topic, partition, null, key, value, null);
  }

  public ProducerRecord(String topic, K key, V value) {
    this(topic, null, null, key, value, null);
  }

  public ProducerRecord(String topic, V value) {
    this(topic, null, null, null, value, null);
  }

  public String topic() {
    return topic;
  }

  public Integer partition() {
    return partition;
  }

  public Long timestamp() {
    return timestamp;
  }

  public K key() {
    return key;
  }

  public V value() {
    return value;
  }

  /** The record's headers; add to this list before sending. */
  public List<Header> headers() {
    return headers;
  }

  @Override
  public String toString() {
    return "ProducerRecord(topic=" + topic + ", partition=" + partition + ", headers=" + headers + ", key=" + key
        + ", value=" + value + ", timestamp=" + timestamp + ")";
  }
}
