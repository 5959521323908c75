package io.weir.common;

import java.util.Objects;

/**
 * A partition of a topic, as Kafka's {@code TopicPartition}: one type shared by the client, the
 * controller, the broker and the storage engine.
 */
public record TopicPartition(String topic, int partition) {
  public TopicPartition {
    Objects.requireNonNull(topic, "topic");
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
