package io.weir.client.consumer;

import io.weir.client.common.errors.WakeupException;
import io.weir.client.test.Clients;
import io.weir.client.test.WeirCluster;
import io.weir.common.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A group consumer polling on its own thread, recording what it was assigned and revoked and
 * what it consumed. Its fields are written by that thread and read by the test.
 */
final class GroupMember implements AutoCloseable {
  final String name;
  final WeirConsumer<String, String> consumer;
  final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
  final List<TopicPartition> revoked = new CopyOnWriteArrayList<>();
  final List<TopicPartition> lost = new CopyOnWriteArrayList<>();
  final List<ConsumerRecord<String, String>> consumed = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile CloseOptions.GroupMembershipOperation onStop = CloseOptions.GroupMembershipOperation.DEFAULT;
  private volatile Throwable failure;

  GroupMember(WeirCluster cluster, String name, String topic, Map<String, Object> overrides) {
    this.name = name;
    Map<String, Object> props = new HashMap<>(GroupTestConfig.consumerProps());
    props.put("client.id", name);
    props.putAll(overrides);
    this.consumer = Clients.consumer(cluster, props);
    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        revoked.addAll(partitions);
        owned.removeAll(partitions);
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        owned.addAll(partitions);
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        lost.addAll(partitions);
        owned.removeAll(partitions);
      }
    });
    this.thread = new Thread(this::run, "member-" + name);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        consumer.poll(Duration.ofMillis(100)).forEach(consumed::add);
      }
    } catch (WakeupException e) {
      // stopping
    } catch (Throwable t) {
      failure = t;
    } finally {
      consumer.close(new CloseOptions(Optional.of(Duration.ofSeconds(10)), onStop));
    }
  }

  Set<TopicPartition> owned() {
    return Set.copyOf(owned);
  }

  /** The consumed offsets of one partition, in order. */
  List<Long> offsets(TopicPartition tp) {
    List<Long> out = new ArrayList<>();
    for (ConsumerRecord<String, String> r : consumed) {
      if (r.topic().equals(tp.topic()) && r.partition() == tp.partition()) {
        out.add(r.offset());
      }
    }
    return out;
  }

  /** Stops without a LeaveGroup, as a crash would: the group notices after the session timeout. */
  void kill() throws InterruptedException {
    stop(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
  }

  void stop(CloseOptions.GroupMembershipOperation membership) throws InterruptedException {
    onStop = membership;
    running = false;
    consumer.wakeup();
    thread.join(TimeUnit.SECONDS.toMillis(20));
  }

  Throwable failure() {
    return failure;
  }

  @Override
  public void close() throws InterruptedException {
    if (thread.isAlive()) {
      stop(CloseOptions.GroupMembershipOperation.DEFAULT);
    }
  }
}
