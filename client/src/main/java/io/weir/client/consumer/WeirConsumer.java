package io.weir.client.consumer;

import io.weir.client.common.PartitionInfo;
import io.weir.client.common.errors.InterruptException;
import io.weir.client.common.errors.TimeoutException;
import io.weir.client.common.errors.WakeupException;
import io.weir.client.common.network.ChannelPool;
import io.weir.client.common.network.Metadata;
import io.weir.client.common.network.OffsetLookup;
import io.weir.client.common.serialization.Deserializer;
import io.weir.client.consumer.assignor.ConsumerPartitionAssignor;
import io.weir.client.consumer.internals.ConsumerCoordinator;
import io.weir.client.consumer.internals.Fetcher;
import io.weir.client.consumer.internals.SubscriptionState;
import io.weir.common.TopicPartition;
import io.weir.common.config.ConfigException;
import java.time.Duration;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Kafka's consumer over Weir's gRPC protocol, with manual assignment or group subscription. Not
 * thread-safe, like Kafka's: one thread uses it, others may only call {@link #wakeup()};
 * concurrent use throws {@link ConcurrentModificationException}.
 *
 * <p>A poll: group work (auto-commit, join/sync, rebalance callbacks) when a {@code group.id} is
 * set, initialise missing positions (committed offsets first, then {@code auto.offset.reset}),
 * hand out buffered records, and keep one fetch in flight per broker.
 */
public final class WeirConsumer<K, V> implements Consumer<K, V> {
  private static final long NO_CURRENT_THREAD = -1L;
  private static final ConsumerRebalanceListener NO_OP_LISTENER = new ConsumerRebalanceListener() {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
  };
  /** Room for protobuf framing around a full fetch response. */
  private static final int RESPONSE_OVERHEAD = 1 << 20;

  private final ConsumerConfig config;
  private final Deserializer<K> keyDeserializer;
  private final Deserializer<V> valueDeserializer;
  private final ChannelPool channels;
  private final Metadata metadata;
  private final OffsetLookup offsets;
  private final SubscriptionState subscriptions;
  private final Fetcher<K, V> fetcher;
  private final ConsumerCoordinator coordinator; // null without group.id
  private final int maxPollRecords;
  private final long defaultApiTimeoutMs;
  private final long retryBackoffMs;
  private final AtomicLong currentThread = new AtomicLong(NO_CURRENT_THREAD); // the thread inside the consumer
  private final AtomicBoolean wakeupRequested = new AtomicBoolean(); // set by any thread
  private int refCount; // owner thread only: re-entrant acquire
  private volatile boolean closed;

  public WeirConsumer(Properties props) {
    this(new ConsumerConfig(props), null, null);
  }

  public WeirConsumer(Map<String, ?> configs) {
    this(new ConsumerConfig(configs), null, null);
  }

  public WeirConsumer(Properties props, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    this(new ConsumerConfig(props), keyDeserializer, valueDeserializer);
  }

  public WeirConsumer(Map<String, ?> configs, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    this(new ConsumerConfig(configs), keyDeserializer, valueDeserializer);
  }

  private WeirConsumer(ConsumerConfig config, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    this.config = config;
    this.keyDeserializer = keyDeserializer != null ? keyDeserializer : required(config, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
    this.valueDeserializer = valueDeserializer != null ? valueDeserializer : required(config, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
    this.keyDeserializer.configure(config.originals(), true);
    this.valueDeserializer.configure(config.originals(), false);
    this.maxPollRecords = config.getInt(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
    this.defaultApiTimeoutMs = config.getInt(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
    this.retryBackoffMs = config.getLong(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG);
    int requestTimeoutMs = config.getInt(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG);
    int fetchMaxBytes = config.getInt(ConsumerConfig.FETCH_MAX_BYTES_CONFIG);
    this.channels = new ChannelPool((int) Math.min(Integer.MAX_VALUE, (long) fetchMaxBytes
        + Math.max(config.getInt(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 0) + RESPONSE_OVERHEAD));
    long metadataMaxAgeMs = config.getLong(ConsumerConfig.METADATA_MAX_AGE_CONFIG);
    this.metadata = new Metadata(config.getList(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG), channels, metadataMaxAgeMs, requestTimeoutMs, retryBackoffMs);
    this.offsets = new OffsetLookup(metadata, channels, requestTimeoutMs, retryBackoffMs);
    this.subscriptions = new SubscriptionState(config.offsetResetStrategy());
    this.fetcher = new Fetcher<>(metadata, channels, subscriptions, this.keyDeserializer, this.valueDeserializer,
        new Fetcher.Settings(
            config.getInt(ConsumerConfig.FETCH_MIN_BYTES_CONFIG),
            config.getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
            fetchMaxBytes,
            config.getInt(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
            config.getString(ConsumerConfig.CLIENT_RACK_CONFIG),
            requestTimeoutMs,
            retryBackoffMs,
            metadataMaxAgeMs,
            config.getBoolean(ConsumerConfig.CHECK_CRCS_CONFIG)));
    this.coordinator = coordinator(config, metadataMaxAgeMs, requestTimeoutMs);
  }

  private ConsumerCoordinator coordinator(ConsumerConfig config, long metadataMaxAgeMs, int requestTimeoutMs) {
    String groupId = config.getString(ConsumerConfig.GROUP_ID_CONFIG);
    if (groupId == null || groupId.isEmpty()) {
      return null;
    }
    String instanceId = config.getString(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    int sessionTimeoutMs = config.getInt(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
    int heartbeatIntervalMs = config.getInt(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
    if (heartbeatIntervalMs >= sessionTimeoutMs) {
      throw new ConfigException(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, heartbeatIntervalMs,
          "must be lower than session.timeout.ms (" + sessionTimeoutMs + ")");
    }
    return new ConsumerCoordinator(
        new ConsumerCoordinator.Settings(groupId,
            instanceId == null || instanceId.isEmpty() ? Optional.empty() : Optional.of(instanceId),
            config.getString(ConsumerConfig.CLIENT_ID_CONFIG),
            sessionTimeoutMs,
            config.getInt(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
            heartbeatIntervalMs,
            retryBackoffMs,
            requestTimeoutMs,
            config.getBoolean(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG),
            config.getInt(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG),
            metadataMaxAgeMs),
        ConsumerPartitionAssignor.forNames(config.getList(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)),
        metadata, channels, subscriptions);
  }

  private ConsumerCoordinator requireGroup(String operation) {
    if (coordinator == null) {
      throw new InvalidGroupIdException("To use the group management or offset commit APIs (" + operation
          + "), you must provide a valid group.id in the consumer configuration.");
    }
    return coordinator;
  }

  private static <T> Deserializer<T> required(ConsumerConfig config, String key) {
    @SuppressWarnings("unchecked")
    Deserializer<T> d = config.getConfiguredInstance(key, Deserializer.class);
    if (d == null) {
      throw new ConfigException("Missing required configuration \"" + key + "\" which has no default value.");
    }
    return d;
  }

  /** Kafka's light lock: one thread at a time, re-entrant, failing fast instead of blocking. */
  private void acquire() {
    if (closed) {
      throw new IllegalStateException("This consumer has already been closed.");
    }
    long me = Thread.currentThread().getId();
    if (me != currentThread.get() && !currentThread.compareAndSet(NO_CURRENT_THREAD, me)) {
      throw new ConcurrentModificationException("WeirConsumer is not safe for multi-threaded access");
    }
    refCount++;
  }

  private void release() {
    if (--refCount == 0) {
      currentThread.set(NO_CURRENT_THREAD);
    }
  }

  @Override
  public void assign(Collection<TopicPartition> partitions) {
    acquire();
    try {
      if (coordinator != null && coordinator.isSubscribed()) {
        throw new IllegalStateException("Subscription to topics, partitions and pattern are mutually exclusive");
      }
      for (TopicPartition tp : partitions) {
        if (tp == null || tp.topic().isBlank()) {
          throw new IllegalArgumentException("Topic partitions to assign to cannot have null or empty topic");
        }
      }
      if (subscriptions.assign(partitions)) {
        metadata.setTopics(partitions.stream().map(TopicPartition::topic).collect(Collectors.toSet()));
      }
    } finally {
      release();
    }
  }

  @Override
  public Set<TopicPartition> assignment() {
    acquire();
    try {
      return subscriptions.assignedPartitions();
    } finally {
      release();
    }
  }

  @Override
  public Set<String> subscription() {
    acquire();
    try {
      return coordinator == null ? Set.of() : coordinator.subscription();
    } finally {
      release();
    }
  }

  @Override
  public void subscribe(Collection<String> topics) {
    subscribe(topics, NO_OP_LISTENER);
  }

  @Override
  public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
    acquire();
    try {
      ConsumerCoordinator group = requireGroup("subscribe");
      if (topics.isEmpty()) {
        unsubscribe();
        return;
      }
      for (String t : topics) {
        if (t == null || t.isBlank()) {
          throw new IllegalArgumentException("Topic collection to subscribe to cannot contain null or empty topic");
        }
      }
      checkNotAssigned();
      group.subscribe(topics, listener == null ? NO_OP_LISTENER : listener);
    } finally {
      release();
    }
  }

  @Override
  public void subscribe(Pattern pattern) {
    subscribe(pattern, NO_OP_LISTENER);
  }

  @Override
  public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
    acquire();
    try {
      ConsumerCoordinator group = requireGroup("subscribe");
      if (pattern == null || pattern.pattern().isEmpty()) {
        throw new IllegalArgumentException("Topic pattern to subscribe to cannot be " + (pattern == null ? "null" : "empty"));
      }
      checkNotAssigned();
      group.subscribe(pattern, listener == null ? NO_OP_LISTENER : listener);
    } finally {
      release();
    }
  }

  private void checkNotAssigned() {
    if (!coordinator.isSubscribed() && !subscriptions.assignedPartitions().isEmpty()) {
      throw new IllegalStateException("Subscription to topics, partitions and pattern are mutually exclusive");
    }
  }

  @Override
  public void unsubscribe() {
    acquire();
    try {
      if (coordinator != null) {
        coordinator.unsubscribe(System.currentTimeMillis() + defaultApiTimeoutMs);
      }
      subscriptions.assign(List.of());
    } finally {
      release();
    }
  }

  @Override
  public void commitSync() {
    commitSync(Duration.ofMillis(defaultApiTimeoutMs));
  }

  @Override
  public void commitSync(Duration timeout) {
    acquire();
    try {
      ConsumerCoordinator group = requireGroup("commitSync");
      group.commitSync(group.allConsumed(), System.currentTimeMillis() + timeout.toMillis());
    } finally {
      release();
    }
  }

  @Override
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    commitSync(offsets, Duration.ofMillis(defaultApiTimeoutMs));
  }

  @Override
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    acquire();
    try {
      requireGroup("commitSync").commitSync(Map.copyOf(offsets), System.currentTimeMillis() + timeout.toMillis());
    } finally {
      release();
    }
  }

  @Override
  public void commitAsync() {
    commitAsync(null);
  }

  @Override
  public void commitAsync(OffsetCommitCallback callback) {
    acquire();
    try {
      ConsumerCoordinator group = requireGroup("commitAsync");
      group.commitAsync(group.allConsumed(), callback);
    } finally {
      release();
    }
  }

  @Override
  public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
    acquire();
    try {
      requireGroup("commitAsync").commitAsync(offsets, callback);
    } finally {
      release();
    }
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
    return committed(partitions, Duration.ofMillis(defaultApiTimeoutMs));
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
    acquire();
    try {
      return requireGroup("committed").committed(partitions, System.currentTimeMillis() + timeout.toMillis());
    } finally {
      release();
    }
  }

  @Override
  public ConsumerRecords<K, V> poll(Duration timeout) {
    acquire();
    try {
      boolean subscribed = coordinator != null && coordinator.isSubscribed();
      if (!subscribed && subscriptions.assignedPartitions().isEmpty()) {
        throw new IllegalStateException("Consumer is not subscribed to any topics or assigned any partitions");
      }
      long deadline = System.currentTimeMillis() + Math.max(0, timeout.toMillis());
      do {
        maybeThrowWakeup();
        if (coordinator != null) {
          coordinator.poll(deadline);
        }
        metadata.maybeRefresh(System.currentTimeMillis());
        updateFetchPositions(deadline);
        Map<TopicPartition, List<ConsumerRecord<K, V>>> records = fetcher.collectFetch(maxPollRecords);
        // Pipelining: the next fetch goes out before the application processes these records.
        fetcher.sendFetches();
        if (!records.isEmpty()) {
          return new ConsumerRecords<>(records);
        }
        long wait = Math.min(deadline - System.currentTimeMillis(), retryBackoffMs);
        if (wait > 0 && !fetcher.hasCompletedFetches()) {
          try {
            fetcher.awaitCompletion(wait, wakeupRequested::get);
          } catch (InterruptedException e) {
            throw new InterruptException(e);
          }
        }
      } while (System.currentTimeMillis() < deadline);
      return ConsumerRecords.empty();
    } finally {
      release();
    }
  }

  private void maybeThrowWakeup() {
    if (wakeupRequested.compareAndSet(true, false)) {
      throw new WakeupException();
    }
  }

  /**
   * Gives positions to partitions that lack one. Seam: a group coordinator first looks up the
   * partitions' committed offsets ({@link SubscriptionState#partitionsNeedingPosition()}) and seeks;
   * what remains falls back to {@code auto.offset.reset} here.
   */
  private void updateFetchPositions(long deadlineMs) {
    if (coordinator != null) {
      coordinator.refreshCommittedOffsetsIfNeeded(deadlineMs);
    }
    List<TopicPartition> missing = subscriptions.partitionsNeedingPosition();
    if (!missing.isEmpty() && subscriptions.defaultResetStrategy() == OffsetResetStrategy.NONE) {
      throw new NoOffsetForPartitionException(Set.copyOf(missing));
    }
    subscriptions.resetMissingPositions();
    Map<TopicPartition, OffsetResetStrategy> resets = subscriptions.partitionsNeedingReset();
    if (resets.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> request = new LinkedHashMap<>();
    resets.forEach((tp, s) -> request.put(tp, s == OffsetResetStrategy.EARLIEST ? OffsetLookup.EARLIEST_TIMESTAMP : OffsetLookup.LATEST_TIMESTAMP));
    long lookupDeadline = Math.max(deadlineMs, System.currentTimeMillis() + 1);
    try {
      offsets.listOffsets(request, lookupDeadline).forEach((tp, r) -> subscriptions.completeReset(tp, resets.get(tp), r.offset()));
    } catch (TimeoutException e) {
      // Positions stay pending; the next poll tries again.
    }
  }

  @Override
  public void seek(TopicPartition partition, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("seek offset must not be a negative number");
    }
    acquire();
    try {
      subscriptions.seek(partition, offset);
    } finally {
      release();
    }
  }

  @Override
  public void seek(TopicPartition partition, OffsetAndMetadata offsetAndMetadata) {
    seek(partition, offsetAndMetadata.offset());
  }

  @Override
  public void seekToBeginning(Collection<TopicPartition> partitions) {
    requestReset(partitions, OffsetResetStrategy.EARLIEST);
  }

  @Override
  public void seekToEnd(Collection<TopicPartition> partitions) {
    requestReset(partitions, OffsetResetStrategy.LATEST);
  }

  /** Lazy, as in Kafka: evaluated by the next poll or position. Empty means every assigned partition. */
  private void requestReset(Collection<TopicPartition> partitions, OffsetResetStrategy strategy) {
    acquire();
    try {
      Collection<TopicPartition> targets = partitions.isEmpty() ? subscriptions.assignedPartitions() : partitions;
      for (TopicPartition tp : targets) {
        subscriptions.requestReset(tp, strategy);
      }
    } finally {
      release();
    }
  }

  @Override
  public long position(TopicPartition partition) {
    return position(partition, Duration.ofMillis(defaultApiTimeoutMs));
  }

  @Override
  public long position(TopicPartition partition, Duration timeout) {
    acquire();
    try {
      if (!subscriptions.isAssigned(partition)) {
        throw new IllegalStateException("You can only check the position for partitions assigned to this consumer.");
      }
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      while (true) {
        Long position = subscriptions.position(partition);
        if (position != null) {
          return position;
        }
        maybeThrowWakeup();
        updateFetchPositions(deadline);
        if (subscriptions.position(partition) == null && System.currentTimeMillis() >= deadline) {
          throw new TimeoutException("Timeout of " + timeout.toMillis() + "ms expired before the position for partition "
              + partition + " could be determined");
        }
      }
    } finally {
      release();
    }
  }

  @Override
  public void pause(Collection<TopicPartition> partitions) {
    acquire();
    try {
      partitions.forEach(subscriptions::pause);
    } finally {
      release();
    }
  }

  @Override
  public void resume(Collection<TopicPartition> partitions) {
    acquire();
    try {
      partitions.forEach(subscriptions::resume);
    } finally {
      release();
    }
  }

  @Override
  public Set<TopicPartition> paused() {
    acquire();
    try {
      return subscriptions.pausedPartitions();
    } finally {
      release();
    }
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic) {
    acquire();
    try {
      return metadata.awaitTopic(topic, System.currentTimeMillis() + defaultApiTimeoutMs, defaultApiTimeoutMs).partitionsFor(topic);
    } finally {
      release();
    }
  }

  @Override
  public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
    return listOffsets(partitions, OffsetLookup.EARLIEST_TIMESTAMP);
  }

  @Override
  public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
    return listOffsets(partitions, OffsetLookup.LATEST_TIMESTAMP);
  }

  private Map<TopicPartition, Long> listOffsets(Collection<TopicPartition> partitions, long spec) {
    acquire();
    try {
      Map<TopicPartition, Long> request = new LinkedHashMap<>();
      partitions.forEach(tp -> request.put(tp, spec));
      Map<TopicPartition, Long> out = new HashMap<>();
      offsets.listOffsets(request, System.currentTimeMillis() + defaultApiTimeoutMs).forEach((tp, r) -> out.put(tp, r.offset()));
      return out;
    } finally {
      release();
    }
  }

  @Override
  public void wakeup() {
    wakeupRequested.set(true);
    fetcher.wakeup();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /** Auto-commits, revokes and leaves the group (static members stay), then releases resources. */
  @Override
  public void close(Duration timeout) {
    close(new CloseOptions(Optional.of(timeout), CloseOptions.GroupMembershipOperation.DEFAULT));
  }

  /** Idempotent, as in Kafka. */
  @Override
  public void close(CloseOptions options) {
    if (closed) {
      return;
    }
    acquire();
    try {
      if (coordinator != null) {
        long timeoutMs = options.timeout().orElse(Duration.ofSeconds(30)).toMillis();
        coordinator.close(System.currentTimeMillis() + timeoutMs, options.groupMembershipOperation());
      }
      closed = true;
      fetcher.close();
      channels.close();
      keyDeserializer.close();
      valueDeserializer.close();
    } finally {
      release();
    }
  }
}
