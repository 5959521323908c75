package io.weir.broker.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.proto.v1.AdminServiceGrpc;
import io.weir.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.weir.proto.v1.CreatableTopic;
import io.weir.proto.v1.CreatableTopicResult;
import io.weir.proto.v1.CreateTopicsRequest;
import io.weir.proto.v1.DeleteTopicsRequest;
import io.weir.proto.v1.DescribeClusterRequest;
import io.weir.proto.v1.DescribeClusterResponse;
import io.weir.proto.v1.DescribeQuorumRequest;
import io.weir.proto.v1.DescribeQuorumResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.TopicError;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AdminService on one combined node's client port, forwarding to its controller. */
class AdminServiceTest {
  @TempDir Path dir;
  private NodeCluster cluster;
  private AdminServiceBlockingStub admin;

  @BeforeEach
  void setUp() {
    cluster = NodeCluster.combined(dir, 1, Map.of("default.replication.factor", "1", "min.insync.replicas", "1"));
    admin = cluster.withChannel(1, AdminServiceGrpc::newBlockingStub);
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  private CreatableTopicResult create(String name, int partitions, int replicationFactor) {
    return admin.createTopics(CreateTopicsRequest.newBuilder().addTopics(CreatableTopic.newBuilder()
        .setName(name).setNumPartitions(partitions).setReplicationFactor(replicationFactor)).build()).getTopics(0);
  }

  @Test
  void createsAndDeletesTopicsWithTheControllersErrors() {
    CreatableTopicResult created = create("orders", 3, -1);
    assertEquals(ErrorCode.NONE, created.getErrorCode(), created.getErrorMessage());
    assertEquals(3, created.getNumPartitions());
    assertEquals(1, created.getReplicationFactor());
    assertFalse(created.getTopicId().isEmpty());

    CreatableTopicResult tooMany = create("wide", 1, 3);
    assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, tooMany.getErrorCode());
    assertEquals("Replication factor: 3 larger than available brokers: 1.", tooMany.getErrorMessage());

    assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, create("orders", 1, 1).getErrorCode());

    TopicError deleted = admin.deleteTopics(DeleteTopicsRequest.newBuilder().addNames("orders").build()).getTopics(0);
    assertEquals(ErrorCode.NONE, deleted.getErrorCode(), deleted.getErrorMessage());
    TopicError missing = admin.deleteTopics(DeleteTopicsRequest.newBuilder().addNames("orders").build()).getTopics(0);
    assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, missing.getErrorCode());
  }

  @Test
  void describesTheClusterAndTheQuorum() {
    DescribeClusterResponse c = admin.describeCluster(DescribeClusterRequest.getDefaultInstance());
    assertEquals(ErrorCode.NONE, c.getErrorCode());
    assertEquals(cluster.node(1).clusterId(), c.getClusterId());
    assertEquals(1, c.getControllerId());
    assertEquals(1, c.getBrokersCount());
    assertEquals(1, c.getBrokers(0).getBrokerId());
    assertEquals("127.0.0.1", c.getBrokers(0).getHost());
    assertEquals(cluster.node(1).broker().port(), c.getBrokers(0).getPort());
    assertEquals("rack-1", c.getBrokers(0).getRack());
    assertFalse(c.getBrokers(0).getFenced());

    DescribeQuorumResponse q = admin.describeQuorum(DescribeQuorumRequest.getDefaultInstance());
    assertEquals(ErrorCode.NONE, q.getErrorCode());
    assertEquals(1, q.getLeader().getId());
    assertEquals(1, q.getVotersCount());
    assertTrue(q.getHighWatermark() > 0);
  }
}
