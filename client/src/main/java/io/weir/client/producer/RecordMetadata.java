package io.weir.client.producer;

import io.weir.common.TopicPartition;

/** Where an acknowledged record landed (Kafka's {@code RecordMetadata}); offset -1 with acks=0. */
public record RecordMetadata(
    TopicPartition topicPartition, long offset, long timestamp, int serializedKeySize, int serializedValueSize) {
  public String topic() {
    return topicPartition.topic();
  }

  public int partition() {
    return topicPartition.partition();
  }

  public boolean hasOffset() {
    return offset >= 0;
  }
}
