package io.weir.client.admin;

import io.grpc.StatusRuntimeException;
import io.weir.client.common.Node;
import io.weir.client.common.errors.ApiException;
import io.weir.client.common.errors.InterruptException;
import io.weir.client.common.errors.TimeoutException;
import io.weir.client.common.network.ChannelPool;
import io.weir.client.common.network.Metadata;
import io.weir.client.consumer.OffsetAndMetadata;
import io.weir.client.consumer.internals.ConsumerProtocol;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.DeleteGroupsRequest;
import io.weir.proto.v1.DeleteGroupsResponse;
import io.weir.proto.v1.DescribeGroupsRequest;
import io.weir.proto.v1.DescribeGroupsResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FindCoordinatorRequest;
import io.weir.proto.v1.FindCoordinatorResponse;
import io.weir.proto.v1.GroupServiceGrpc;
import io.weir.proto.v1.ListGroupsRequest;
import io.weir.proto.v1.ListGroupsResponse;
import io.weir.proto.v1.OffsetCommitRequest;
import io.weir.proto.v1.OffsetCommitResponse;
import io.weir.proto.v1.OffsetFetchRequest;
import io.weir.proto.v1.OffsetFetchResponse;
import io.weir.proto.v1.TopicPartitionOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The admin's group calls over GroupService: each goes to the group's coordinator, found with
 * FindCoordinator and looked up again when the coordinator moves. Runs on the admin's thread.
 */
final class GroupAdmin {
  private static final Set<ErrorCode> COORDINATOR_MOVED =
      Set.of(ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);

  private final Metadata metadata;
  private final ChannelPool channels;
  private final long requestTimeoutMs;
  private final long retryBackoffMs;

  GroupAdmin(Metadata metadata, ChannelPool channels, long requestTimeoutMs, long retryBackoffMs) {
    this.metadata = metadata;
    this.channels = channels;
    this.requestTimeoutMs = requestTimeoutMs;
    this.retryBackoffMs = retryBackoffMs;
  }

  private GroupServiceGrpc.GroupServiceBlockingStub stub(Node node) {
    return GroupServiceGrpc.newBlockingStub(channels.channel(node.host(), node.port()))
        .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Every broker's groups (each coordinator knows only its own). */
  List<ConsumerGroupListing> listGroups(long deadlineMs) {
    List<ConsumerGroupListing> out = new ArrayList<>();
    for (Node n : metadata.refresh(Set.of(), deadlineMs).nodes().values()) {
      ListGroupsResponse r = stub(n).listGroups(ListGroupsRequest.getDefaultInstance());
      r.getGroupsList().forEach(g -> out.add(new ConsumerGroupListing(g.getGroupId(), g.getState(), g.getProtocolType())));
    }
    return out;
  }

  ConsumerGroupDescription describe(String groupId, long deadlineMs) {
    return withCoordinator(groupId, deadlineMs, node -> {
      DescribeGroupsResponse.Group g = stub(node).describeGroups(DescribeGroupsRequest.newBuilder().addGroupIds(groupId).build())
          .getGroups(0);
      if (g.getErrorCode() != ErrorCode.NONE) {
        return new Attempt<>(g.getErrorCode(), null);
      }
      List<MemberDescription> members = new ArrayList<>();
      for (DescribeGroupsResponse.Member m : g.getMembersList()) {
        members.add(new MemberDescription(m.getMemberId(),
            m.getGroupInstanceId().isEmpty() ? Optional.empty() : Optional.of(m.getGroupInstanceId()), m.getClientId(),
            new LinkedHashSet<>(ConsumerProtocol.deserializeAssignment(m.getAssignment().toByteArray()))));
      }
      return new Attempt<>(ErrorCode.NONE, new ConsumerGroupDescription(groupId, g.getState(), g.getProtocolName(),
          g.getGenerationId(), node, List.copyOf(members)));
    });
  }

  void delete(String groupId, long deadlineMs) {
    withCoordinator(groupId, deadlineMs, node -> {
      DeleteGroupsResponse.Result r = stub(node).deleteGroups(DeleteGroupsRequest.newBuilder().addGroupIds(groupId).build())
          .getResults(0);
      return new Attempt<>(r.getErrorCode(), Boolean.TRUE);
    });
  }

  Map<TopicPartition, OffsetAndMetadata> listOffsets(String groupId, long deadlineMs) {
    return withCoordinator(groupId, deadlineMs, node -> {
      OffsetFetchResponse r = stub(node).offsetFetch(OffsetFetchRequest.newBuilder().setGroupId(groupId).build());
      Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
      for (TopicPartitionOffset o : r.getOffsetsList()) {
        if (o.getOffset() >= 0) {
          out.put(new TopicPartition(o.getTopic(), o.getPartition()), new OffsetAndMetadata(o.getOffset(),
              o.getLeaderEpoch() >= 0 ? Optional.of(o.getLeaderEpoch()) : Optional.empty(), o.getMetadata()));
        }
      }
      return new Attempt<>(r.getErrorCode(), out);
    });
  }

  /** Only for a group without members (Kafka: UNKNOWN_MEMBER_ID otherwise). */
  void alterOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets, long deadlineMs) {
    OffsetCommitRequest.Builder req = OffsetCommitRequest.newBuilder().setGroupId(groupId).setGenerationId(-1);
    offsets.forEach((tp, om) -> req.addOffsets(TopicPartitionOffset.newBuilder().setTopic(tp.topic())
        .setPartition(tp.partition()).setOffset(om.offset()).setLeaderEpoch(om.leaderEpoch().orElse(-1))
        .setMetadata(om.metadata())));
    withCoordinator(groupId, deadlineMs, node -> {
      OffsetCommitResponse r = stub(node).offsetCommit(req.build());
      return new Attempt<>(r.getErrorCode(), Boolean.TRUE);
    });
  }

  private record Attempt<T>(ErrorCode error, T value) {}

  private <T> T withCoordinator(String groupId, long deadlineMs, Function<Node, Attempt<T>> call) {
    ErrorCode last = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    while (System.currentTimeMillis() < deadlineMs) {
      Optional<Node> coordinator = findCoordinator(groupId, deadlineMs);
      if (coordinator.isPresent()) {
        try {
          Attempt<T> a = call.apply(coordinator.get());
          if (a.error() == ErrorCode.NONE) {
            return a.value();
          }
          if (!COORDINATOR_MOVED.contains(a.error())) {
            throw new ApiException(a.error(), "group " + groupId + ": " + a.error());
          }
          last = a.error();
        } catch (StatusRuntimeException e) {
          last = ErrorCode.NETWORK_EXCEPTION;
        }
      }
      try {
        Thread.sleep(retryBackoffMs);
      } catch (InterruptedException e) {
        throw new InterruptException(e);
      }
    }
    throw new TimeoutException("group " + groupId + ": no answer from its coordinator in time (last error " + last + ")");
  }

  private Optional<Node> findCoordinator(String groupId, long deadlineMs) {
    for (Node n : metadata.refresh(Set.of(), deadlineMs).nodes().values()) {
      try {
        FindCoordinatorResponse r = stub(n).findCoordinator(FindCoordinatorRequest.newBuilder().setGroupId(groupId).build());
        if (r.getErrorCode() == ErrorCode.NONE) {
          return Optional.of(new Node(r.getNodeId(), r.getHost(), r.getPort(), Optional.empty()));
        }
        if (!COORDINATOR_MOVED.contains(r.getErrorCode())) {
          throw new ApiException(r.getErrorCode(), "group " + groupId + ": " + r.getErrorMessage());
        }
        return Optional.empty();
      } catch (StatusRuntimeException e) {
        // try the next broker
      }
    }
    return Optional.empty();
  }
}
