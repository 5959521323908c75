package io.weir.client.common.network;

import io.grpc.StatusRuntimeException;
import io.weir.client.common.Node;
import io.weir.client.common.errors.ApiException;
import io.weir.client.common.errors.InterruptException;
import io.weir.client.common.errors.TimeoutException;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.DeleteRecordsRequest;
import io.weir.proto.v1.DeleteRecordsResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.ListOffsetsRequest;
import io.weir.proto.v1.ListOffsetsResponse;
import io.weir.proto.v1.OffsetServiceGrpc;
import io.weir.proto.v1.OffsetServiceGrpc.OffsetServiceBlockingStub;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Offset operations on each partition's leader: ListOffsets (Kafka's sentinels: -2 earliest, -1
 * latest, else a timestamp) and DeleteRecords. Both retry retriable errors with a metadata refresh
 * until the deadline. Blocking; used by the consumer's thread and the admin client. Stateless
 * apart from its collaborators.
 */
public final class OffsetLookup {
  public static final long EARLIEST_TIMESTAMP = -2L;
  public static final long LATEST_TIMESTAMP = -1L;

  /** The answer for one partition: offset -1 when no record is that recent. */
  public record Result(long offset, long timestamp, int leaderEpoch) {}

  /** One partition's answer from a leader: a value, or an error code and message. */
  private record Answer<T>(TopicPartition partition, ErrorCode error, String message, T value) {}

  /** Sends one request to a leader for the given partitions (topic → partition → argument). */
  @FunctionalInterface
  private interface LeaderCall<T> {
    List<Answer<T>> call(OffsetServiceBlockingStub stub, Map<String, Map<Integer, Long>> arguments);
  }

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
    return onLeaders("ListOffsets", "Failed to get offsets by times in", timestamps, deadlineMs, (stub, args) -> {
      ListOffsetsRequest.Builder request = ListOffsetsRequest.newBuilder().setReplicaId(-1);
      args.forEach((topic, partitions) -> {
        ListOffsetsRequest.TopicData.Builder t = ListOffsetsRequest.TopicData.newBuilder().setName(topic);
        partitions.forEach((p, timestamp) -> t.addPartitions(ListOffsetsRequest.PartitionData.newBuilder()
            .setPartition(p).setTimestamp(timestamp).setCurrentLeaderEpoch(-1)));
        request.addTopics(t);
      });
      List<Answer<Result>> answers = new ArrayList<>();
      for (ListOffsetsResponse.TopicData t : stub.listOffsets(request.build()).getTopicsList()) {
        for (ListOffsetsResponse.PartitionData p : t.getPartitionsList()) {
          answers.add(new Answer<>(new TopicPartition(t.getName(), p.getPartition()), p.getErrorCode(),
              p.getErrorMessage(), new Result(p.getOffset(), p.getTimestamp(), p.getLeaderEpoch())));
        }
      }
      return answers;
    });
  }

  /**
   * Deletes the records below each given offset (-1: the high watermark) on the partitions'
   * leaders; returns each partition's log start offset afterwards.
   *
   * @throws TimeoutException if some partition has no answer by {@code deadlineMs}
   * @throws ApiException on a non-retriable error, e.g. OFFSET_OUT_OF_RANGE past the high watermark
   */
  public Map<TopicPartition, Long> deleteRecords(Map<TopicPartition, Long> beforeOffsets, long deadlineMs) {
    return onLeaders("DeleteRecords", "Failed to delete records in", beforeOffsets, deadlineMs, (stub, args) -> {
      DeleteRecordsRequest.Builder request = DeleteRecordsRequest.newBuilder();
      args.forEach((topic, partitions) -> {
        DeleteRecordsRequest.TopicData.Builder t = DeleteRecordsRequest.TopicData.newBuilder().setName(topic);
        partitions.forEach((p, offset) ->
            t.addPartitions(DeleteRecordsRequest.PartitionData.newBuilder().setPartition(p).setOffset(offset)));
        request.addTopics(t);
      });
      List<Answer<Long>> answers = new ArrayList<>();
      for (DeleteRecordsResponse.TopicData t : stub.deleteRecords(request.build()).getTopicsList()) {
        for (DeleteRecordsResponse.PartitionData p : t.getPartitionsList()) {
          answers.add(new Answer<>(new TopicPartition(t.getName(), p.getPartition()), p.getErrorCode(),
              p.getErrorMessage(), p.getLowWatermark()));
        }
      }
      return answers;
    });
  }

  /**
   * Groups the partitions by leader, sends each leader one request, keeps the answers, and retries
   * the rest (no leader known, retriable error, unreachable broker) after a metadata refresh.
   */
  private <T> Map<TopicPartition, T> onLeaders(
      String api, String timeoutMessage, Map<TopicPartition, Long> arguments, long deadlineMs, LeaderCall<T> call) {
    Map<TopicPartition, T> out = new HashMap<>();
    Map<TopicPartition, Long> remaining = new LinkedHashMap<>(arguments);
    String lastError = "no attempt";
    metadata.addTopics(arguments.keySet().stream().map(TopicPartition::topic).toList());
    while (true) {
      Cluster cluster = metadata.cluster();
      Map<Node, Map<String, Map<Integer, Long>>> byLeader = new HashMap<>();
      for (Map.Entry<TopicPartition, Long> e : remaining.entrySet()) {
        Node leader = cluster.leaderFor(e.getKey()).orElse(null);
        if (leader == null) {
          lastError = "no leader known for " + e.getKey();
          continue;
        }
        byLeader.computeIfAbsent(leader, n -> new LinkedHashMap<>())
            .computeIfAbsent(e.getKey().topic(), t -> new LinkedHashMap<>())
            .put(e.getKey().partition(), e.getValue());
      }
      for (Map.Entry<Node, Map<String, Map<Integer, Long>>> e : byLeader.entrySet()) {
        Node node = e.getKey();
        long wait = Math.min(requestTimeoutMs, deadlineMs - System.currentTimeMillis());
        if (wait <= 0) {
          break;
        }
        try {
          OffsetServiceBlockingStub stub = OffsetServiceGrpc.newBlockingStub(channels.channel(node.host(), node.port()))
              .withDeadlineAfter(wait, TimeUnit.MILLISECONDS);
          for (Answer<T> answer : call.call(stub, e.getValue())) {
            TopicPartition tp = answer.partition();
            if (!remaining.containsKey(tp)) {
              continue;
            }
            if (answer.error() == ErrorCode.NONE) {
              out.put(tp, answer.value());
              remaining.remove(tp);
            } else if (ApiException.isRetriable(answer.error())) {
              lastError = tp + ": " + answer.error() + " " + answer.message();
            } else {
              throw new ApiException(answer.error(), api + " for " + tp + ": " + answer.message());
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
        throw new TimeoutException(timeoutMessage + " " + remaining.keySet() + " before the deadline: " + lastError);
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
