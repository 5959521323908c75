package io.weir.client.common.network;

import io.grpc.StatusRuntimeException;
import io.weir.client.common.Node;
import io.weir.client.common.TopicPartition;
import io.weir.client.common.errors.ApiException;
import io.weir.client.common.errors.InterruptException;
import io.weir.client.common.errors.TimeoutException;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.ListOffsetsRequest;
import io.weir.proto.v1.ListOffsetsResponse;
import io.weir.proto.v1.OffsetServiceGrpc;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * ListOffsets against each partition's leader (Kafka's sentinels: -2 earliest, -1 latest, else a
 * timestamp), retrying retriable errors with a metadata refresh until the deadline. Blocking; used
 * by the consumer's thread and the admin client. Stateless apart from its collaborators.
 */
public final class OffsetLookup {
  public static final long EARLIEST_TIMESTAMP = -2L;
  public static final long LATEST_TIMESTAMP = -1L;

  /** The answer for one partition: offset -1 when no record is that recent. */
  public record Result(long offset, long timestamp, int leaderEpoch) {}

  private final Metadata metadata;
  private final ChannelPool channels;
  private final long requestTimeoutMs;
  private final long retryBackoffMs;

  public OffsetLookup(Metadata metadata, ChannelPool channels, long requestTimeoutMs, long retryBackoffMs) {
    this.metadata = metadata;
    this.channels = channels;
    this.requestTimeoutMs = requestTimeoutMs;
    this.retryBackoffMs = retryBackoffMs;
  }

  /**
   * @throws TimeoutException if some partition has no answer by {@code deadlineMs}
   * @throws ApiException on a non-retriable error
   */
  public Map<TopicPartition, Result> listOffsets(Map<TopicPartition, Long> timestamps, long deadlineMs) {
    Map<TopicPartition, Result> out = new HashMap<>();
    Map<TopicPartition, Long> remaining = new LinkedHashMap<>(timestamps);
    String lastError = "no attempt";
    metadata.addTopics(timestamps.keySet().stream().map(TopicPartition::topic).toList());
    while (true) {
      Cluster cluster = metadata.cluster();
      Map<Node, ListOffsetsRequest.Builder> byLeader = new HashMap<>();
      Map<Node, Map<String, ListOffsetsRequest.TopicData.Builder>> topicBuilders = new HashMap<>();
      for (Map.Entry<TopicPartition, Long> e : remaining.entrySet()) {
        Node leader = cluster.leaderFor(e.getKey()).orElse(null);
        if (leader == null) {
          lastError = "no leader known for " + e.getKey();
          continue;
        }
        byLeader.computeIfAbsent(leader, n -> ListOffsetsRequest.newBuilder().setReplicaId(-1));
        topicBuilders
            .computeIfAbsent(leader, n -> new LinkedHashMap<>())
            .computeIfAbsent(e.getKey().topic(), t -> ListOffsetsRequest.TopicData.newBuilder().setName(t))
            .addPartitions(
                ListOffsetsRequest.PartitionData.newBuilder()
                    .setPartition(e.getKey().partition())
                    .setTimestamp(e.getValue())
                    .setCurrentLeaderEpoch(-1));
      }
      for (Map.Entry<Node, ListOffsetsRequest.Builder> e : byLeader.entrySet()) {
        Node node = e.getKey();
        topicBuilders.get(node).values().forEach(e.getValue()::addTopics);
        long wait = Math.min(requestTimeoutMs, deadlineMs - System.currentTimeMillis());
        if (wait <= 0) {
          break;
        }
        try {
          ListOffsetsResponse response =
              OffsetServiceGrpc.newBlockingStub(channels.channel(node.host(), node.port()))
                  .withDeadlineAfter(wait, TimeUnit.MILLISECONDS)
                  .listOffsets(e.getValue().build());
          for (ListOffsetsResponse.TopicData t : response.getTopicsList()) {
            for (ListOffsetsResponse.PartitionData p : t.getPartitionsList()) {
              TopicPartition tp = new TopicPartition(t.getName(), p.getPartition());
              if (!remaining.containsKey(tp)) {
                continue;
              }
              if (p.getErrorCode() == ErrorCode.NONE) {
                out.put(tp, new Result(p.getOffset(), p.getTimestamp(), p.getLeaderEpoch()));
                remaining.remove(tp);
              } else if (ApiException.isRetriable(p.getErrorCode())) {
                lastError = tp + ": " + p.getErrorCode() + " " + p.getErrorMessage();
              } else {
                throw new ApiException(p.getErrorCode(), "ListOffsets for " + tp + ": " + p.getErrorMessage());
              }
            }
          }
        } catch (StatusRuntimeException ex) {
          lastError = "broker " + node.id() + ": " + ex.getStatus();
        }
      }
      if (remaining.isEmpty()) {
        return out;
      }
      metadata.requestUpdate();
      long now = System.currentTimeMillis();
      if (now >= deadlineMs) {
        throw new TimeoutException("Failed to get offsets by times in " + remaining.keySet() + " before the deadline: " + lastError);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(Math.min(retryBackoffMs, deadlineMs - now));
      } catch (InterruptedException ex) {
        throw new InterruptException(ex);
      }
      metadata.maybeRefresh(System.currentTimeMillis());
    }
  }
}
