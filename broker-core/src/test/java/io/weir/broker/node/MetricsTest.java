package io.weir.broker.node;

import static io.weir.broker.TestRecords.batch;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.image.PartitionRegistration;
import io.weir.proto.v1.AdminServiceGrpc;
import io.weir.proto.v1.DeleteTopicsRequest;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FindCoordinatorRequest;
import io.weir.proto.v1.FindCoordinatorResponse;
import io.weir.proto.v1.GroupServiceGrpc;
import io.weir.proto.v1.OffsetCommitRequest;
import io.weir.proto.v1.OffsetCommitResponse;
import io.weir.proto.v1.ProduceResponse;
import io.weir.proto.v1.TopicError;
import io.weir.proto.v1.TopicPartitionOffset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus endpoint of real nodes, scraped over HTTP on loopback while the cluster works. */
class MetricsTest {
  private static final String PRODUCE = "weir.v1.ProduceService/Produce";

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

  private MetricsScrape scrape(int nodeId) {
    return MetricsScrape.of(cluster.node(nodeId).metricsPort());
  }

  /** The sum of a metric over every live node. */
  private double clusterSum(String name) {
    double sum = 0;
    for (int id : cluster.brokerIds()) {
      if (cluster.node(id) != null) {
        sum += scrape(id).sum(name);
      }
    }
    return sum;
  }

  private void produce(int leader, String topic, int partition, String... values) {
    ProduceResponse.PartitionResponse r = cluster.produce(leader, topic, partition, -1, batch(values));
    assertEquals(ErrorCode.NONE, r.getErrorCode(), r.getErrorMessage());
  }

  @Test
  void produceShowsBytesInRequestsAndLatencyAndOneNodeIsTheActiveController() {
    cluster = NodeCluster.combined(dir, 3, Map.of());
    int leader = cluster.createTopic("clicks", 1, 3, Map.of()).leader();
    Map<String, String> topic = Map.of("topic", "clicks");
    MetricsScrape before = scrape(leader);
    assertEquals(0, before.sum("weir_topic_bytes_in_total", topic));

    produce(leader, "clicks", 0, "a", "b", "c");

    MetricsScrape after = scrape(leader);
    assertTrue(after.sum("weir_topic_bytes_in_total", topic) > 0, "bytes in counted on the leader");
    assertEquals(3, after.sum("weir_topic_messages_in_total", topic));
    assertTrue(after.sum("weir_grpc_requests_total", Map.of("method", PRODUCE)) >= 1);
    assertTrue(after.sum("weir_grpc_request_duration_seconds_count", Map.of("method", PRODUCE)) >= 1);
    assertTrue(after.has("weir_grpc_request_duration_seconds_bucket", Map.of("method", PRODUCE, "le", "1.0E-4")),
        "the finest latency bucket is 0.1 ms");
    assertTrue(after.has("weir_grpc_request_duration_seconds_bucket", Map.of("method", PRODUCE, "le", "10.0")));
    assertTrue(after.sum("weir_leader_partitions") >= 1);
    assertTrue(after.sum("weir_log_size_bytes", Map.of("topic", "clicks", "partition", "0")) > 0);
    assertTrue(after.has("jvm_memory_bytes_used", Map.of("area", "heap")), "JVM metrics are exported");
    // The followers' replication is counted as bytes out to replicas, not to consumers.
    await("followers fetched the batch").atMost(NodeCluster.WAIT)
        .until(() -> scrape(leader).sum("weir_topic_replication_bytes_out_total", topic) > 0);
    assertEquals(0, scrape(leader).sum("weir_topic_bytes_out_total", topic));
    cluster.consumeAll(leader, "clicks", 0);
    assertTrue(scrape(leader).sum("weir_topic_bytes_out_total", topic) > 0);

    await("one active controller").atMost(NodeCluster.WAIT)
        .untilAsserted(() -> assertEquals(1, clusterSum("weir_controller_active")));
    int active = cluster.brokerIds().stream().filter(id -> scrape(id).sum("weir_controller_active") == 1)
        .findFirst().orElseThrow();
    MetricsScrape controller = scrape(active);
    assertTrue(controller.sum("weir_raft_term") >= 1);
    assertTrue(controller.sum("weir_raft_high_watermark") > 0);
    assertEquals(3, controller.matching("weir_raft_voter_lag", Map.of()).size(), "one lag row per voter");
    assertEquals(0, controller.sum("weir_controller_fenced_brokers"));
    assertEquals(0, controller.sum("weir_controller_offline_partitions"));
    assertTrue(controller.sum("weir_grpc_requests_total", Map.of("method", "weir.v1.ControllerService/BrokerHeartbeat"))
        > 0, "the controller listener is measured too");
  }

  @Test
  void aDeletedTopicsSeriesLeaveTheEndpoint() {
    cluster = NodeCluster.combined(dir, 1, Map.of("min.insync.replicas", "1"));
    cluster.createTopic("gone", 1, 1, Map.of());
    cluster.createTopic("kept", 1, 1, Map.of());
    produce(1, "gone", 0, "a");
    produce(1, "kept", 0, "b");
    assertTrue(scrape(1).has("weir_topic_bytes_in_total", Map.of("topic", "gone")));

    TopicError deleted = cluster.withChannel(1, AdminServiceGrpc::newBlockingStub)
        .deleteTopics(DeleteTopicsRequest.newBuilder().addNames("gone").build()).getTopics(0);
    assertEquals(ErrorCode.NONE, deleted.getErrorCode(), deleted.getErrorMessage());

    await("the deleted topic's series are dropped").atMost(NodeCluster.WAIT)
        .until(() -> !scrape(1).has("weir_topic_bytes_in_total", Map.of("topic", "gone")));
    MetricsScrape after = scrape(1);
    assertFalse(after.has("weir_topic_messages_in_total", Map.of("topic", "gone")));
    assertEquals(1, after.sum("weir_topic_messages_in_total", Map.of("topic", "kept")), "other topics keep theirs");
  }

  @Test
  void underReplicatedPartitionsRiseWhileAFollowerIsStoppedAndClearWhenItReturns() {
    cluster = NodeCluster.combined(dir, 3, Map.of());
    PartitionRegistration reg = cluster.createTopic("orders", 1, 3, Map.of());
    int follower = reg.replicas().stream().filter(id -> id != reg.leader()).findFirst().orElseThrow();
    await("a full ISR").atMost(NodeCluster.WAIT)
        .untilAsserted(() -> assertEquals(0, clusterSum("weir_under_replicated_partitions")));

    cluster.kill(follower);
    await("the leader reports the partition under-replicated").atMost(NodeCluster.WAIT)
        .untilAsserted(() -> assertEquals(1, clusterSum("weir_under_replicated_partitions")));
    assertTrue(clusterSum("weir_isr_shrinks_total") >= 1);
    assertEquals(1, clusterSum("weir_at_min_isr_partitions"), "ISR of 2 with min.insync.replicas=2");
    await("the controller fences the stopped broker").atMost(NodeCluster.WAIT)
        .untilAsserted(() -> assertEquals(1, activeControllerScrape().sum("weir_controller_fenced_brokers")));

    cluster.restart(follower);
    cluster.awaitReady(follower);
    await("the returned follower rejoins the ISR").atMost(NodeCluster.WAIT)
        .untilAsserted(() -> assertEquals(0, clusterSum("weir_under_replicated_partitions")));
    assertTrue(clusterSum("weir_isr_expands_total") >= 1);
  }

  private MetricsScrape activeControllerScrape() {
    for (int id : cluster.brokerIds()) {
      if (cluster.node(id) != null) {
        MetricsScrape s = scrape(id);
        if (s.sum("weir_controller_active") == 1) {
          return s;
        }
      }
    }
    throw new AssertionError("no active controller");
  }

  @Test
  void consumerLagFallsToZeroOnceTheGroupHasConsumedAndCommitted() {
    cluster = NodeCluster.combined(dir, 3, Map.of("offsets.topic.num.partitions", "1"));
    cluster.createTopic("payments", 3, 3, Map.of());
    int coordinator = coordinator("billing");
    // Lag is reported by the coordinator for the partitions it also leads.
    int partition = -1;
    for (int p = 0; p < 3; p++) {
      if (cluster.partition("payments", p).leader() == coordinator) {
        partition = p;
      }
    }
    assertTrue(partition >= 0, "the coordinator " + coordinator + " leads one of 3 partitions on 3 brokers");
    Map<String, String> labels =
        Map.of("group", "billing", "topic", "payments", "partition", String.valueOf(partition));

    produce(coordinator, "payments", partition, "p1", "p2", "p3", "p4", "p5");
    commit(coordinator, "billing", "payments", partition, 0);
    int p = partition;
    await("the group lags by what it has not consumed").atMost(NodeCluster.WAIT)
        .untilAsserted(() -> assertEquals(5, scrape(coordinator).sum("weir_group_consumer_lag", labels)));
    assertEquals(1, scrape(coordinator).sum("weir_groups", Map.of("state", "Empty")));

    long next = cluster.consumeAll(coordinator, "payments", p).get(4).offset() + 1;
    commit(coordinator, "billing", "payments", p, next);
    await("no lag after consuming and committing").atMost(NodeCluster.WAIT)
        .untilAsserted(() -> assertEquals(0, scrape(coordinator).sum("weir_group_consumer_lag", labels)));
    assertTrue(scrape(coordinator).has("weir_group_consumer_lag", labels), "a caught-up group reports 0, not nothing");
  }

  private GroupServiceGrpc.GroupServiceBlockingStub groups(int brokerId) {
    return cluster.withChannel(brokerId, GroupServiceGrpc::newBlockingStub).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private int coordinator(String group) {
    AtomicInteger found = new AtomicInteger(-1);
    await("a coordinator for " + group).atMost(NodeCluster.WAIT).until(() -> {
      FindCoordinatorResponse r = groups(cluster.brokerIds().get(0))
          .findCoordinator(FindCoordinatorRequest.newBuilder().setGroupId(group).build());
      found.set(r.getNodeId());
      return r.getErrorCode() == ErrorCode.NONE;
    });
    return found.get();
  }

  /** Retries while the coordinator has not yet applied the image FindCoordinator answered from, as a client does. */
  private void commit(int coordinator, String group, String topic, int partition, long offset) {
    AtomicReference<OffsetCommitResponse> response = new AtomicReference<>();
    await("the coordinator accepts the commit").atMost(NodeCluster.WAIT).until(() -> {
      response.set(groups(coordinator).offsetCommit(OffsetCommitRequest.newBuilder()
          .setGroupId(group).setGenerationId(-1)
          .addOffsets(TopicPartitionOffset.newBuilder().setTopic(topic).setPartition(partition).setOffset(offset))
          .build()));
      ErrorCode code = response.get().getErrorCode();
      return code != ErrorCode.NOT_COORDINATOR && code != ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    });
    OffsetCommitResponse r = response.get();
    assertEquals(ErrorCode.NONE, r.getErrorCode(), r.getErrorMessage());
    assertEquals(ErrorCode.NONE, r.getOffsets(0).getErrorCode(), r.getOffsets(0).getErrorMessage());
  }

  @Test
  void aMetricsPortInUseFailsStartupNamingTheKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Map<String, String> p = singleNode(taken.getLocalPort());
      ServerConfig config = ServerConfig.fromProperties(p);
      StorageFormatter.format(config.allDirs(), 1, StorageFormatter.randomClusterId());
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> WeirNode.start(config));
      assertTrue(e.getMessage().contains("metrics.port=" + taken.getLocalPort()), e.getMessage());

      p.put("metrics.port", "-1");
      try (WeirNode node = WeirNode.start(ServerConfig.fromProperties(p))) {
        assertEquals(-1, node.metricsPort(), "metrics.port=-1 disables the endpoint");
        // Closing before the broker listener opens would leave gRPC's shared boss thread (see the report).
        node.brokerReady().get(NodeCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    threads.assertNoneLeft();
  }

  private Map<String, String> singleNode(int metricsPort) throws IOException {
    int broker;
    int controller;
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      broker = a.getLocalPort();
      controller = b.getLocalPort();
    }
    Map<String, String> p = new HashMap<>(NodeCluster.testProperties());
    p.put("node.id", "1");
    p.put("process.roles", "broker,controller");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + broker + ",CONTROLLER://127.0.0.1:" + controller);
    p.put("log.dirs", dir.resolve("single").toString());
    p.put("metrics.port", String.valueOf(metricsPort));
    return p;
  }
}
