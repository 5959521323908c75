package io.weir.client.admin;

import io.weir.client.common.Node;
import io.weir.client.common.PartitionInfo;
import io.weir.client.common.TopicPartition;
import io.weir.client.common.errors.ApiException;
import io.weir.client.common.network.ChannelPool;
import io.weir.client.common.network.Cluster;
import io.weir.client.common.network.Metadata;
import io.weir.client.common.network.OffsetLookup;
import io.weir.client.consumer.OffsetAndMetadata;
import io.weir.proto.v1.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** {@link Admin} over MetadataService, OffsetService and GroupService; one thread runs the calls in order. */
final class WeirAdmin implements Admin {
  private final ChannelPool channels;
  private final Metadata metadata;
  private final OffsetLookup offsets;
  private final GroupAdmin groups;
  private final long apiTimeoutMs;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "weir-admin-client-thread");
        t.setDaemon(true);
        return t;
      });

  WeirAdmin(AdminClientConfig config) {
    int requestTimeoutMs = config.getInt(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG);
    long backoff = config.getLong(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG);
    this.apiTimeoutMs = config.getInt(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
    this.channels = new ChannelPool(64 << 20);
    this.metadata = new Metadata(config.getList(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), channels,
        config.getLong(AdminClientConfig.METADATA_MAX_AGE_CONFIG), requestTimeoutMs, backoff);
    this.offsets = new OffsetLookup(metadata, channels, requestTimeoutMs, backoff);
    this.groups = new GroupAdmin(metadata, channels, requestTimeoutMs, backoff);
  }

  private <T> CompletableFuture<T> call(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, thread);
  }

  private long deadline() {
    return System.currentTimeMillis() + apiTimeoutMs;
  }

  @Override
  public CompletableFuture<ClusterDescription> describeCluster() {
    return call(() -> {
      Cluster c = metadata.refresh(Set.of(), deadline());
      return new ClusterDescription(c.clusterId(), c.controllerId(), List.copyOf(c.nodes().values()));
    });
  }

  @Override
  public CompletableFuture<Set<String>> listTopics() {
    return call(() -> new TreeSet<>(metadata.refresh(null, deadline()).partitionsByTopic().keySet()));
  }

  @Override
  public CompletableFuture<Map<String, TopicDescription>> describeTopics(Collection<String> topics) {
    Set<String> names = Set.copyOf(topics);
    return call(() -> {
      Cluster c = metadata.refresh(names, deadline());
      Map<String, TopicDescription> out = new LinkedHashMap<>();
      for (String name : topics) {
        ErrorCode error = c.topicErrors().get(name);
        if (error != null || !c.partitionsByTopic().containsKey(name)) {
          throw new ApiException(error == null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : error,
              "This server does not host this topic-partition: " + name);
        }
        List<TopicPartitionInfo> parts = new ArrayList<>();
        for (PartitionInfo p : c.partitionsFor(name)) {
          parts.add(new TopicPartitionInfo(p.partition(), p.leader() < 0 ? null : node(c, p.leader()), p.leaderEpoch(),
              nodes(c, p.replicas()), nodes(c, p.isr()), nodes(c, p.offlineReplicas())));
        }
        out.put(name, new TopicDescription(name, c.topicIds().getOrDefault(name, ""), List.copyOf(parts)));
      }
      return out;
    });
  }

  private static Node node(Cluster c, int id) {
    return c.node(id).orElse(new Node(id, "", -1, Optional.empty()));
  }

  private static List<Node> nodes(Cluster c, List<Integer> ids) {
    return ids.stream().map(id -> node(c, id)).toList();
  }

  @Override
  public CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> listOffsets(Map<TopicPartition, OffsetSpec> specs) {
    Map<TopicPartition, Long> request = new LinkedHashMap<>();
    specs.forEach((tp, spec) -> request.put(tp, spec.timestamp()));
    return call(() -> {
      Map<TopicPartition, ListOffsetsResultInfo> out = new LinkedHashMap<>();
      offsets.listOffsets(request, deadline()).forEach((tp, r) ->
          out.put(tp, new ListOffsetsResultInfo(r.offset(), r.timestamp(), r.leaderEpoch() < 0 ? Optional.empty() : Optional.of(r.leaderEpoch()))));
      return out;
    });
  }

  @Override
  public CompletableFuture<Map<TopicPartition, Long>> deleteRecords(Map<TopicPartition, Long> beforeOffsets) {
    Map<TopicPartition, Long> copy = Map.copyOf(beforeOffsets);
    return call(() -> offsets.deleteRecords(copy, deadline()));
  }

  @Override
  public CompletableFuture<Collection<ConsumerGroupListing>> listConsumerGroups() {
    return call(() -> groups.listGroups(deadline()));
  }

  @Override
  public CompletableFuture<Map<String, ConsumerGroupDescription>> describeConsumerGroups(Collection<String> groupIds) {
    return call(() -> {
      Map<String, ConsumerGroupDescription> out = new LinkedHashMap<>();
      long deadline = deadline();
      groupIds.forEach(id -> out.put(id, groups.describe(id, deadline)));
      return out;
    });
  }

  @Override
  public CompletableFuture<Void> deleteConsumerGroups(Collection<String> groupIds) {
    return call(() -> {
      long deadline = deadline();
      groupIds.forEach(id -> groups.delete(id, deadline));
      return null;
    });
  }

  @Override
  public CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> listConsumerGroupOffsets(String groupId) {
    return call(() -> groups.listOffsets(groupId, deadline()));
  }

  @Override
  public CompletableFuture<Void> alterConsumerGroupOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
    return call(() -> {
      groups.alterOffsets(groupId, copy, deadline());
      return null;
    });
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /** Lets queued calls finish within the timeout, then cancels the rest. */
  @Override
  public void close(Duration timeout) {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      channels.close();
    }
  }
}
