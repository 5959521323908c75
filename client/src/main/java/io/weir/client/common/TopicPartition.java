package io.weir.client.common;

import java.util.Objects;

/** A topic name and partition number, as in Kafka. */
public record TopicPartition(String topic, int partition) {
  public TopicPartition {
    Objects.requireNonNull(topic, "topic");
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
