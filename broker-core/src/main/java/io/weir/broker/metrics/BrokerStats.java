package io.weir.broker.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;

/**
 * The broker's event counters (Kafka's {@code BrokerTopicStats} and the ISR rates of its {@code
 * ReplicaManager}). The counters are created unregistered, so a broker without a metrics endpoint
 * (tests, benchmarks) counts at the same cost and {@link #register} exposes them on a node's
 * registry. Thread-safe: Prometheus counters are lock-free.
 */
public final class BrokerStats {
  private final Counter bytesIn = Counter.build("weir_topic_bytes_in_total",
          "Record batch bytes appended by produce requests on this leader.")
      .labelNames("topic").create();
  private final Counter messagesIn = Counter.build("weir_topic_messages_in_total",
          "Records appended by produce requests on this leader.")
      .labelNames("topic").create();
  private final Counter bytesOut = Counter.build("weir_topic_bytes_out_total",
          "Record bytes returned to consumers by fetch responses from this broker.")
      .labelNames("topic").create();
  private final Counter replicationBytesOut = Counter.build("weir_topic_replication_bytes_out_total",
          "Record bytes returned to follower replicas by fetch responses from this leader.")
      .labelNames("topic").create();
  private final Counter isrShrinks = Counter.build("weir_isr_shrinks_total",
          "ISR shrinks of partitions led here, proposed by this leader or made by the controller.").create();
  private final Counter isrExpands = Counter.build("weir_isr_expands_total",
          "ISR expansions of partitions led here, counted when the controller accepts them.").create();

  /** A produce request appended {@code messages} records in {@code bytes} bytes to {@code topic}. */
  public void recordAppend(String topic, long bytes, long messages) {
    bytesIn.labels(topic).inc(bytes);
    messagesIn.labels(topic).inc(messages);
  }

  /** A fetch response carries {@code bytes} record bytes of {@code topic}. */
  public void recordFetch(String topic, long bytes, boolean toFollower) {
    if (bytes > 0) {
      (toFollower ? replicationBytesOut : bytesOut).labels(topic).inc(bytes);
    }
  }

  /**
   * Drops the topic's series: this broker holds none of its partitions any more (deleted or moved
   * away), and a series per topic ever seen would grow without bound.
   */
  public void removeTopic(String topic) {
    bytesIn.remove(topic);
    messagesIn.remove(topic);
    bytesOut.remove(topic);
    replicationBytesOut.remove(topic);
  }

  /** The committed ISR of a partition led here went from {@code oldSize} to {@code newSize} members. */
  public void recordIsrChange(int oldSize, int newSize) {
    if (newSize < oldSize) {
      isrShrinks.inc();
    } else if (newSize > oldSize) {
      isrExpands.inc();
    }
  }

  public void register(CollectorRegistry registry) {
    registry.register(bytesIn);
    registry.register(messagesIn);
    registry.register(bytesOut);
    registry.register(replicationBytesOut);
    registry.register(isrShrinks);
    registry.register(isrExpands);
  }
}
