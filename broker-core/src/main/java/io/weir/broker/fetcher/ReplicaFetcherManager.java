package io.weir.broker.fetcher;

import io.weir.broker.replica.Partition;
import io.weir.common.TopicPartition;
import io.weir.metadata.image.Endpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One {@link ReplicaFetcher} (one thread) per leader broker this broker follows partitions of,
 * created on first need and stopped when it has nothing left to fetch.
 *
 * <p>Thread-safe: all methods synchronize on this object.
 */
public final class ReplicaFetcherManager {
  private final int localBrokerId;
  private final ReplicaFetcher.Settings settings;
  private final Function<Endpoint, LeaderEndpoint> endpointFactory;
  private final Function<TopicPartition, Partition> partitions;
  private final Consumer<TopicPartition> onHighWatermarkChanged;
  private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>(); // this
  private final Map<TopicPartition, Integer> leaderOf = new HashMap<>(); // this
  private boolean shutdown; // this

  public ReplicaFetcherManager(
      int localBrokerId,
      ReplicaFetcher.Settings settings,
      Function<Endpoint, LeaderEndpoint> endpointFactory,
      Function<TopicPartition, Partition> partitions,
      Consumer<TopicPartition> onHighWatermarkChanged) {
    this.localBrokerId = localBrokerId;
    this.settings = settings;
    this.endpointFactory = endpointFactory;
    this.partitions = partitions;
    this.onHighWatermarkChanged = onHighWatermarkChanged;
  }

  /** Fetches {@code tp} from {@code leaderId} at {@code leaderEpoch}; a no-op if already so. */
  public synchronized void addPartition(TopicPartition tp, int leaderId, int leaderEpoch, Endpoint endpoint) {
    if (shutdown) {
      return;
    }
    Integer current = leaderOf.get(tp);
    if (current != null && current != leaderId) {
      removePartition(tp);
    }
    ReplicaFetcher fetcher = fetchers.get(leaderId);
    if (fetcher == null || !fetcher.endpoint().equals(endpoint)) {
      if (fetcher != null) {
        fetcher.shutdown();
      }
      fetcher =
          new ReplicaFetcher(
              localBrokerId, leaderId, endpoint, endpointFactory.apply(endpoint), settings, partitions,
              onHighWatermarkChanged);
      fetchers.put(leaderId, fetcher);
      fetcher.start();
    }
    fetcher.addPartition(tp, leaderEpoch);
    leaderOf.put(tp, leaderId);
  }

  public synchronized void removePartition(TopicPartition tp) {
    Integer leader = leaderOf.remove(tp);
    if (leader == null) {
      return;
    }
    ReplicaFetcher fetcher = fetchers.get(leader);
    if (fetcher != null) {
      fetcher.removePartition(tp);
      if (fetcher.isIdle()) {
        fetchers.remove(leader);
        fetcher.shutdown();
      }
    }
  }

  /**
   * Stops every fetcher and waits (bounded) for their last rounds, so none appends to a log after
   * the broker closes it.
   */
  public void shutdown() {
    List<ReplicaFetcher> stopping;
    synchronized (this) {
      shutdown = true;
      stopping = List.copyOf(fetchers.values());
      fetchers.clear();
      leaderOf.clear();
    }
    stopping.forEach(ReplicaFetcher::shutdown);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.requestTimeoutMs());
    try {
      for (ReplicaFetcher f : stopping) {
        f.awaitShutdown(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
