package io.weir.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.weir.broker.group.GroupConfig;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FindCoordinatorRequest;
import io.weir.proto.v1.FindCoordinatorResponse;
import io.weir.proto.v1.GroupServiceGrpc;
import io.weir.proto.v1.OffsetCommitRequest;
import io.weir.proto.v1.OffsetCommitResponse;
import io.weir.proto.v1.OffsetFetchRequest;
import io.weir.proto.v1.OffsetFetchResponse;
import io.weir.proto.v1.TopicPartitionOffset;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer offsets on the real quorum: the first FindCoordinator creates {@code __consumer_offsets}
 * through the active controller, and committed offsets survive the loss of their coordinator.
 */
class ConsumerOffsetsOnNodeTest {
  private static final String GROUP = "billing";

  @TempDir Path dir;
  private NodeCluster cluster;
  private final ThreadLeakCheck threads = new ThreadLeakCheck();

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
      threads.assertNoneLeft();
    }
  }

  private GroupServiceGrpc.GroupServiceBlockingStub groups(int brokerId) {
    return cluster.withChannel(brokerId, GroupServiceGrpc::newBlockingStub).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** Asks {@code via} until the group has a coordinator other than {@code not}; returns its id. */
  private int awaitCoordinator(int via, int not) {
    AtomicReference<FindCoordinatorResponse> found = new AtomicReference<>();
    await("a coordinator for " + GROUP).atMost(NodeCluster.WAIT).until(() -> {
      FindCoordinatorResponse r = groups(via).findCoordinator(
          FindCoordinatorRequest.newBuilder().setGroupId(GROUP).build());
      found.set(r);
      return r.getErrorCode() == ErrorCode.NONE && r.getNodeId() != not;
    });
    return found.get().getNodeId();
  }

  private long fetchCommitted(int coordinator) {
    OffsetFetchResponse r = groups(coordinator).offsetFetch(OffsetFetchRequest.newBuilder().setGroupId(GROUP)
        .addPartitions(OffsetFetchRequest.TopicPartitionRef.newBuilder().setTopic("events").setPartition(0))
        .build());
    assertEquals(ErrorCode.NONE, r.getErrorCode(), r.getErrorMessage());
    return r.getOffsets(0).getOffset();
  }

  @Test
  void offsetsTopicIsCreatedOnFirstUseAndCommitsSurviveTheCoordinator() {
    cluster = NodeCluster.combined(dir, 3, Map.of("offsets.topic.num.partitions", "4"));
    cluster.createTopic("events", 1, 3, Map.of());

    int coordinator = awaitCoordinator(cluster.brokerIds().get(0), -1);
    for (int p = 0; p < 4; p++) {
      PartitionRegistration reg = cluster.partition(GroupConfig.OFFSETS_TOPIC, p);
      assertEquals(3, reg.replicas().size(), "replication factor min(3, brokers)");
    }
    int offsetsPartition = new GroupConfig(4, (short) 3, 1, 1, 1, 2, 0, 1).partitionFor(GROUP);
    assertEquals(cluster.partition(GroupConfig.OFFSETS_TOPIC, offsetsPartition).leader(), coordinator,
        "the coordinator leads the group's hashed partition");

    // FindCoordinator answers from the metadata cache, which a broker updates just before its group
    // coordinator takes the partition over: like a client, retry NOT_COORDINATOR for that moment.
    AtomicReference<OffsetCommitResponse> committed = new AtomicReference<>();
    await("the coordinator accepts the commit").atMost(NodeCluster.WAIT).until(() -> {
      committed.set(groups(coordinator).offsetCommit(OffsetCommitRequest.newBuilder()
          .setGroupId(GROUP).setGenerationId(-1)
          .addOffsets(TopicPartitionOffset.newBuilder().setTopic("events").setPartition(0).setOffset(42))
          .build()));
      return committed.get().getErrorCode() != ErrorCode.NOT_COORDINATOR
          && committed.get().getErrorCode() != ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    });
    OffsetCommitResponse commit = committed.get();
    assertEquals(ErrorCode.NONE, commit.getErrorCode(), commit.getErrorMessage());
    assertEquals(ErrorCode.NONE, commit.getOffsets(0).getErrorCode(), commit.getOffsets(0).getErrorMessage());
    assertEquals(42, fetchCommitted(coordinator));

    cluster.kill(coordinator);
    int survivor = cluster.brokerIds().stream().filter(id -> id != coordinator).findFirst().orElseThrow();
    int next = awaitCoordinator(survivor, coordinator);
    assertNotEquals(coordinator, next);
    await("the new coordinator has loaded the group").atMost(NodeCluster.WAIT)
        .untilAsserted(() -> assertEquals(42, fetchCommitted(next)));
  }
}
