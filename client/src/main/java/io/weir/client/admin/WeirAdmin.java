package io.weir.client.admin;

import io.weir.client.common.Node;
import io.weir.client.common.PartitionInfo;
import io.weir.client.common.errors.ApiException;
import io.weir.client.common.network.ChannelPool;
import io.weir.client.common.network.Cluster;
import io.weir.client.common.network.Metadata;
import io.weir.client.common.network.OffsetLookup;
import io.weir.client.consumer.OffsetAndMetadata;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.AdminServiceGrpc;
import io.weir.proto.v1.AlterConfigOpType;
import io.weir.proto.v1.ConfigResourceRef;
import io.weir.proto.v1.ConfigResourceType;
import io.weir.proto.v1.CreatableTopic;
import io.weir.proto.v1.CreatableTopicResult;
import io.weir.proto.v1.CreatePartitionsRequest;
import io.weir.proto.v1.CreatePartitionsResponse;
import io.weir.proto.v1.CreateTopicsRequest;
import io.weir.proto.v1.CreateTopicsResponse;
import io.weir.proto.v1.DeleteTopicsRequest;
import io.weir.proto.v1.DeleteTopicsResponse;
import io.weir.proto.v1.DescribeClusterRequest;
import io.weir.proto.v1.DescribeClusterResponse;
import io.weir.proto.v1.DescribeConfigsRequest;
import io.weir.proto.v1.DescribeConfigsResponse;
import io.weir.proto.v1.DescribeConfigsResult;
import io.weir.proto.v1.DescribeQuorumRequest;
import io.weir.proto.v1.DescribeQuorumResponse;
import io.weir.proto.v1.ElectLeadersRequest;
import io.weir.proto.v1.ElectLeadersResponse;
import io.weir.proto.v1.ElectionType;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.IncrementalAlterConfigsRequest;
import io.weir.proto.v1.IncrementalAlterConfigsResponse;
import io.weir.proto.v1.PartitionResult;
import io.weir.proto.v1.ReplicaState;
import io.weir.proto.v1.TopicPartitionRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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

/**
 * {@link Admin} over MetadataService, OffsetService, GroupService and AdminService; one thread runs
 * the calls in order.
 */
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

  /** A stub to any known broker (the bootstrap list on first use), with the request deadline. */
  private AdminServiceGrpc.AdminServiceBlockingStub adminStub() {
    Cluster c = metadata.refresh(Set.of(), deadline());
    Node n = c.nodes().values().iterator().next();
    return AdminServiceGrpc.newBlockingStub(channels.channel(n.host(), n.port()))
        .withDeadlineAfter(apiTimeoutMs, TimeUnit.MILLISECONDS);
  }

  private static void check(ErrorCode code, String message) {
    if (code != ErrorCode.NONE) {
      throw new ApiException(code, message);
    }
  }

  @Override
  public CompletableFuture<BrokerDescription> describeBrokers() {
    return call(() -> {
      DescribeClusterResponse r = adminStub().describeCluster(DescribeClusterRequest.getDefaultInstance());
      check(r.getErrorCode(), r.getErrorMessage());
      return new BrokerDescription(r.getClusterId(), r.getControllerId(), r.getBrokersList().stream()
          .map(b -> new BrokerDescription.Broker(b.getBrokerId(), b.getHost(), b.getPort(), b.getRack(), b.getFenced()))
          .toList());
    });
  }

  @Override
  public CompletableFuture<Map<String, String>> createTopics(Collection<NewTopic> topics) {
    CreateTopicsRequest.Builder req = CreateTopicsRequest.newBuilder();
    topics.forEach(t -> req.addTopics(CreatableTopic.newBuilder().setName(t.name())
        .setNumPartitions(t.numPartitions()).setReplicationFactor(t.replicationFactor()).putAllConfigs(t.configs())));
    return call(() -> {
      CreateTopicsResponse r = adminStub().createTopics(req.build());
      check(r.getErrorCode(), r.getErrorMessage());
      Map<String, String> ids = new LinkedHashMap<>();
      for (CreatableTopicResult t : r.getTopicsList()) {
        check(t.getErrorCode(), t.getErrorMessage());
        ids.put(t.getName(), t.getTopicId());
      }
      return ids;
    });
  }

  @Override
  public CompletableFuture<Void> deleteTopics(Collection<String> topics) {
    DeleteTopicsRequest req = DeleteTopicsRequest.newBuilder().addAllNames(topics).build();
    return call(() -> {
      DeleteTopicsResponse r = adminStub().deleteTopics(req);
      check(r.getErrorCode(), r.getErrorMessage());
      r.getTopicsList().forEach(t -> check(t.getErrorCode(), t.getErrorMessage()));
      return null;
    });
  }

  @Override
  public CompletableFuture<Void> createPartitions(Map<String, Integer> totalCounts) {
    CreatePartitionsRequest.Builder req = CreatePartitionsRequest.newBuilder();
    totalCounts.forEach((name, count) -> req.addTopics(CreatePartitionsRequest.Topic.newBuilder()
        .setName(name).setCount(count)));
    return call(() -> {
      CreatePartitionsResponse r = adminStub().createPartitions(req.build());
      check(r.getErrorCode(), r.getErrorMessage());
      r.getTopicsList().forEach(t -> check(t.getErrorCode(), t.getErrorMessage()));
      return null;
    });
  }

  private static ConfigResourceRef resource(boolean broker, String name) {
    return ConfigResourceRef.newBuilder().setName(name).setType(broker
        ? ConfigResourceType.CONFIG_RESOURCE_TYPE_BROKER : ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC).build();
  }

  @Override
  public CompletableFuture<List<ConfigEntry>> describeConfigs(boolean broker, String name) {
    DescribeConfigsRequest req = DescribeConfigsRequest.newBuilder().addResources(resource(broker, name)).build();
    return call(() -> {
      DescribeConfigsResponse r = adminStub().describeConfigs(req);
      check(r.getErrorCode(), r.getErrorMessage());
      DescribeConfigsResult result = r.getResults(0);
      check(result.getErrorCode(), result.getErrorMessage());
      return result.getEntriesList().stream().map(e -> new ConfigEntry(e.getName(), e.getValue(),
          e.getSource().name().replace("CONFIG_SOURCE_", ""))).toList();
    });
  }

  @Override
  public CompletableFuture<Void> incrementalAlterConfigs(boolean broker, String name, Map<String, String> set,
      Collection<String> delete) {
    IncrementalAlterConfigsRequest.Resource.Builder res =
        IncrementalAlterConfigsRequest.Resource.newBuilder().setResource(resource(broker, name));
    set.forEach((k, v) -> res.addOps(IncrementalAlterConfigsRequest.Op.newBuilder().setName(k)
        .setType(AlterConfigOpType.ALTER_CONFIG_OP_SET).setValue(v)));
    delete.forEach(k -> res.addOps(IncrementalAlterConfigsRequest.Op.newBuilder().setName(k)
        .setType(AlterConfigOpType.ALTER_CONFIG_OP_DELETE)));
    IncrementalAlterConfigsRequest req = IncrementalAlterConfigsRequest.newBuilder().addResources(res).build();
    return call(() -> {
      IncrementalAlterConfigsResponse r = adminStub().incrementalAlterConfigs(req);
      check(r.getErrorCode(), r.getErrorMessage());
      r.getResultsList().forEach(t -> check(t.getErrorCode(), t.getErrorMessage()));
      return null;
    });
  }

  @Override
  public CompletableFuture<Set<TopicPartition>> electPreferredLeaders(Collection<TopicPartition> partitions) {
    ElectLeadersRequest.Builder req = ElectLeadersRequest.newBuilder().setType(ElectionType.ELECTION_TYPE_PREFERRED)
        .setAllPartitions(partitions.isEmpty());
    partitions.forEach(tp -> req.addPartitions(TopicPartitionRef.newBuilder().setTopic(tp.topic())
        .setPartition(tp.partition())));
    return call(() -> {
      ElectLeadersResponse r = adminStub().electLeaders(req.build());
      check(r.getErrorCode(), r.getErrorMessage());
      Set<TopicPartition> elected = new LinkedHashSet<>();
      for (PartitionResult p : r.getPartitionsList()) {
        if (p.getErrorCode() != ErrorCode.ELECTION_NOT_NEEDED) {
          check(p.getErrorCode(), p.getErrorMessage());
          elected.add(new TopicPartition(p.getPartition().getTopic(), p.getPartition().getPartition()));
        }
      }
      return elected;
    });
  }

  @Override
  public CompletableFuture<QuorumDescription> describeQuorum() {
    return call(() -> {
      DescribeQuorumResponse r = adminStub().describeQuorum(DescribeQuorumRequest.getDefaultInstance());
      check(r.getErrorCode(), r.getErrorMessage());
      return new QuorumDescription(r.getLeader().getId(), r.getTerm(), r.getHighWatermark(),
          replicas(r.getVotersList()), replicas(r.getObserversList()));
    });
  }

  private static List<QuorumDescription.ReplicaState> replicas(List<ReplicaState> states) {
    return states.stream().map(s -> new QuorumDescription.ReplicaState(s.getNodeId(), s.getLogEndOffset(),
        s.getLag(), s.getLastContactTimestampMs())).toList();
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
