package io.weir.broker.group;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.weir.broker.metadata.AutoTopicCreator;
import io.weir.broker.metadata.MetadataCache;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.proto.v1.DeleteGroupsRequest;
import io.weir.proto.v1.DeleteGroupsResponse;
import io.weir.proto.v1.DescribeGroupsRequest;
import io.weir.proto.v1.DescribeGroupsResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FindCoordinatorRequest;
import io.weir.proto.v1.FindCoordinatorResponse;
import io.weir.proto.v1.GroupServiceGrpc;
import io.weir.proto.v1.HeartbeatRequest;
import io.weir.proto.v1.HeartbeatResponse;
import io.weir.proto.v1.JoinGroupRequest;
import io.weir.proto.v1.JoinGroupResponse;
import io.weir.proto.v1.LeaveGroupRequest;
import io.weir.proto.v1.LeaveGroupResponse;
import io.weir.proto.v1.ListGroupsRequest;
import io.weir.proto.v1.ListGroupsResponse;
import io.weir.proto.v1.OffsetCommitRequest;
import io.weir.proto.v1.OffsetCommitResponse;
import io.weir.proto.v1.OffsetFetchRequest;
import io.weir.proto.v1.OffsetFetchResponse;
import io.weir.proto.v1.SyncGroupRequest;
import io.weir.proto.v1.SyncGroupResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The GroupService: FindCoordinator answers from metadata, the rest goes to the coordinator. */
public final class GroupServiceImpl extends GroupServiceGrpc.GroupServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(GroupServiceImpl.class);

  private final GroupCoordinator coordinator;
  private final MetadataCache metadataCache;
  private final AutoTopicCreator topicCreator;

  public GroupServiceImpl(GroupCoordinator coordinator, MetadataCache metadataCache, AutoTopicCreator topicCreator) {
    this.coordinator = coordinator;
    this.metadataCache = metadataCache;
    this.topicCreator = topicCreator;
  }

  @Override
  public void findCoordinator(FindCoordinatorRequest req, StreamObserver<FindCoordinatorResponse> observer) {
    answer(observer, () -> findCoordinator(req.getGroupId()));
  }

  FindCoordinatorResponse findCoordinator(String groupId) {
    FindCoordinatorResponse.Builder out = FindCoordinatorResponse.newBuilder().setNodeId(-1);
    if (groupId.isEmpty()) {
      return out.setErrorCode(ErrorCode.INVALID_GROUP_ID).setErrorMessage("The group id is empty.").build();
    }
    GroupConfig config = coordinator.config();
    TopicImage topic = metadataCache.topic(GroupConfig.OFFSETS_TOPIC);
    if (topic == null) {
      createOffsetsTopic(config);
      return out.setErrorCode(ErrorCode.COORDINATOR_NOT_AVAILABLE)
          .setErrorMessage(GroupConfig.OFFSETS_TOPIC + " is being created.").build();
    }
    PartitionRegistration reg = topic.partition(config.partitionFor(groupId));
    if (reg == null || reg.leader() == PartitionRegistration.NO_LEADER || !metadataCache.isLive(reg.leader())) {
      return out.setErrorCode(ErrorCode.COORDINATOR_NOT_AVAILABLE)
          .setErrorMessage("The coordinator partition of group " + groupId + " has no leader.").build();
    }
    return metadataCache.endpoint(reg.leader())
        .map(e -> out.setNodeId(reg.leader()).setHost(e.host()).setPort(e.port()).build())
        .orElseGet(() -> out.setErrorCode(ErrorCode.COORDINATOR_NOT_AVAILABLE).build());
  }

  private void createOffsetsTopic(GroupConfig config) {
    long live = metadataCache.image().cluster().brokers().values().stream().filter(b -> !b.fenced()).count();
    short rf = (short) Math.max(1, Math.min(config.offsetsTopicReplicationFactor(), live));
    topicCreator
        .createTopic(GroupConfig.OFFSETS_TOPIC, config.offsetsTopicNumPartitions(), rf,
            Map.of("cleanup.policy", "compact"))
        .whenComplete((ok, e) -> {
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (cause instanceof UnsupportedOperationException) {
            log.warn("{} cannot be created, so no group has a coordinator: {}", GroupConfig.OFFSETS_TOPIC, cause.getMessage());
          } else if (cause != null) {
            log.debug("creating {} failed (another broker may have created it): {}", GroupConfig.OFFSETS_TOPIC, cause.getMessage());
          }
        });
  }

  @Override
  public void joinGroup(JoinGroupRequest req, StreamObserver<JoinGroupResponse> observer) {
    run(observer, () -> coordinator.joinGroup(req, reply(observer)));
  }

  @Override
  public void syncGroup(SyncGroupRequest req, StreamObserver<SyncGroupResponse> observer) {
    run(observer, () -> coordinator.syncGroup(req, reply(observer)));
  }

  @Override
  public void heartbeat(HeartbeatRequest req, StreamObserver<HeartbeatResponse> observer) {
    answer(observer, () -> coordinator.heartbeat(req));
  }

  @Override
  public void leaveGroup(LeaveGroupRequest req, StreamObserver<LeaveGroupResponse> observer) {
    answer(observer, () -> coordinator.leaveGroup(req));
  }

  @Override
  public void offsetCommit(OffsetCommitRequest req, StreamObserver<OffsetCommitResponse> observer) {
    run(observer, () -> coordinator.commitOffsets(req, reply(observer)));
  }

  @Override
  public void offsetFetch(OffsetFetchRequest req, StreamObserver<OffsetFetchResponse> observer) {
    answer(observer, () -> coordinator.fetchOffsets(req));
  }

  @Override
  public void listGroups(ListGroupsRequest req, StreamObserver<ListGroupsResponse> observer) {
    answer(observer, coordinator::listGroups);
  }

  @Override
  public void describeGroups(DescribeGroupsRequest req, StreamObserver<DescribeGroupsResponse> observer) {
    answer(observer, () -> {
      DescribeGroupsResponse.Builder out = DescribeGroupsResponse.newBuilder();
      req.getGroupIdsList().forEach(id -> out.addGroups(coordinator.describeGroup(id)));
      return out.build();
    });
  }

  @Override
  public void deleteGroups(DeleteGroupsRequest req, StreamObserver<DeleteGroupsResponse> observer) {
    List<String> ids = req.getGroupIdsList();
    DeleteGroupsResponse.Result[] results = new DeleteGroupsResponse.Result[ids.size()];
    AtomicInteger remaining = new AtomicInteger(ids.size());
    if (ids.isEmpty()) {
      answer(observer, DeleteGroupsResponse::getDefaultInstance);
      return;
    }
    run(observer, () -> {
      for (int i = 0; i < ids.size(); i++) {
        int index = i;
        coordinator.deleteGroup(ids.get(i), r -> {
          results[index] = r;
          if (remaining.decrementAndGet() == 0) {
            reply(observer).accept(DeleteGroupsResponse.newBuilder().addAllResults(List.of(results)).build());
          }
        });
      }
    });
  }

  private static <T> Consumer<T> reply(StreamObserver<T> observer) {
    return response -> {
      try {
        observer.onNext(response);
        observer.onCompleted();
      } catch (RuntimeException e) {
        log.debug("group response not delivered (call cancelled?): {}", e.getMessage());
      }
    };
  }

  private static <T> void answer(StreamObserver<T> observer, Supplier<T> handler) {
    run(observer, () -> reply(observer).accept(handler.get()));
  }

  private static <T> void run(StreamObserver<T> observer, Runnable handler) {
    try {
      handler.run();
    } catch (RuntimeException e) {
      log.error("group request failed", e);
      observer.onError(Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).withCause(e).asRuntimeException());
    }
  }
}
