package io.weir.systemtests.fault.workload;

import io.weir.client.common.serialization.StringDeserializer;
import io.weir.client.consumer.ConsumerConfig;
import io.weir.client.consumer.ConsumerRebalanceListener;
import io.weir.client.consumer.ConsumerRecord;
import io.weir.client.consumer.ConsumerRecords;
import io.weir.client.consumer.OffsetAndMetadata;
import io.weir.client.consumer.WeirConsumer;
import io.weir.common.TopicPartition;
import io.weir.systemtests.fault.check.History.Committed;
import io.weir.systemtests.fault.check.History.Polled;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A group member on its own thread: polls, records every record with its assignment generation
 * (counted by this member's rebalance callbacks), then commits what it processed and records the
 * commit once the coordinator accepted it. Errors of a poll or commit are retried by the next loop,
 * as an application would.
 */
public final class ConsumerWorker implements AutoCloseable {
  private final String name;
  private final Recorder recorder;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private int generation; // owned by the polling thread (callbacks run inside poll)

  public ConsumerWorker(String name, String group, String topic, String bootstrap, Recorder recorder) {
    this.name = name;
    this.recorder = recorder;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
    this.thread = new Thread(() -> run(p, topic), "consumer-" + name);
    thread.start();
  }

  private void run(Properties props, String topic) {
    try (WeirConsumer<String, String> consumer =
        new WeirConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          generation++;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          generation++;
        }
      });
      while (running) {
        try {
          pollAndCommit(consumer);
        } catch (RuntimeException e) {
          // Coordinator moves, rebalances and timeouts: the next poll rejoins or retries.
        }
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  private void pollAndCommit(WeirConsumer<String, String> consumer) {
    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
    Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    int gen = generation;
    for (ConsumerRecord<String, String> r : records) {
      String partition = r.topic() + "-" + r.partition();
      recorder.consumer(new Polled(name, gen, partition, r.offset(), r.value()));
      processed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
    }
    if (processed.isEmpty()) {
      return;
    }
    consumer.commitSync(processed, Duration.ofSeconds(10));
    long order = recorder.nextCommitOrder();
    processed.forEach((tp, o) -> recorder.consumer(
        new Committed(name, gen, tp.topic() + "-" + tp.partition(), o.offset(), order)));
  }

  /** Stops polling and leaves the group; fails if the consumer itself broke. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      throw new IllegalStateException("consumer " + name + " did not stop within 30 s");
    }
    if (failure != null) {
      throw new IllegalStateException("consumer " + name + " failed", failure);
    }
  }
}
