package io.weir.client.common.network;

import io.weir.client.common.Node;
import io.weir.client.common.PartitionInfo;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.MetadataResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An immutable snapshot of one metadata response: brokers, partitions and per-topic errors. */
public record Cluster(
    String clusterId,
    int controllerId,
    Map<Integer, Node> nodes,
    Map<String, List<PartitionInfo>> partitionsByTopic,
    Map<String, ErrorCode> topicErrors,
    Map<String, String> topicIds) {
  public static final Cluster EMPTY = new Cluster("", -1, Map.of(), Map.of(), Map.of(), Map.of());

  public static Cluster from(MetadataResponse response) {
    Map<Integer, Node> nodes = new HashMap<>();
    for (MetadataResponse.Broker b : response.getBrokersList()) {
      nodes.put(
          b.getNodeId(),
          new Node(b.getNodeId(), b.getHost(), b.getPort(), b.getRack().isEmpty() ? Optional.empty() : Optional.of(b.getRack())));
    }
    Map<String, List<PartitionInfo>> partitions = new HashMap<>();
    Map<String, ErrorCode> errors = new HashMap<>();
    Map<String, String> ids = new HashMap<>();
    for (MetadataResponse.Topic t : response.getTopicsList()) {
      if (t.getErrorCode() != ErrorCode.NONE) {
        errors.put(t.getName(), t.getErrorCode());
        continue;
      }
      List<PartitionInfo> list = new ArrayList<>();
      for (MetadataResponse.Partition p : t.getPartitionsList()) {
        list.add(
            new PartitionInfo(
                t.getName(),
                p.getPartition(),
                p.getErrorCode() == ErrorCode.NONE ? p.getLeader() : -1,
                p.getLeaderEpoch(),
                List.copyOf(p.getReplicasList()),
                List.copyOf(p.getIsrList()),
                List.copyOf(p.getOfflineReplicasList())));
      }
      list.sort(Comparator.comparingInt(PartitionInfo::partition));
      partitions.put(t.getName(), List.copyOf(list));
      ids.put(t.getName(), t.getTopicId());
    }
    return new Cluster(
        response.getClusterId(), response.getControllerId(), Map.copyOf(nodes), Map.copyOf(partitions), Map.copyOf(errors), Map.copyOf(ids));
  }

  /** Partitions sorted by number; empty when the topic is unknown. */
  public List<PartitionInfo> partitionsFor(String topic) {
    return partitionsByTopic.getOrDefault(topic, List.of());
  }

  public Optional<PartitionInfo> partition(TopicPartition tp) {
    List<PartitionInfo> list = partitionsFor(tp.topic());
    return tp.partition() >= 0 && tp.partition() < list.size() ? Optional.of(list.get(tp.partition())) : Optional.empty();
  }

  /** The leader's node, if the partition has a leader whose address is known. */
  public Optional<Node> leaderFor(TopicPartition tp) {
    return partition(tp).filter(p -> p.leader() >= 0).map(p -> nodes.get(p.leader()));
  }

  public Optional<Node> node(int id) {
    return Optional.ofNullable(nodes.get(id));
  }
}
