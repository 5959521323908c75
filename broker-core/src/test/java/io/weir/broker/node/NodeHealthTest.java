package io.weir.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.weir.proto.v1.MetadataRequest;
import io.weir.proto.v1.MetadataServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gRPC health as a Kubernetes probe sees it, over loopback on the node's real listeners. */
class NodeHealthTest {
  private static final List<String> COMBINED = List.of("", NodeHealth.BROKER_SERVICE, NodeHealth.CONTROLLER_SERVICE);

  @TempDir Path dir;
  private NodeCluster cluster;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void tearDown() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (cluster != null) {
      cluster.close();
    }
  }

  private ManagedChannel channel(int port) {
    ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    channels.add(ch);
    return ch;
  }

  /** The status of {@code service}; throws NOT_FOUND while the service is not declared yet. */
  private static ServingStatus status(ManagedChannel ch, String service) {
    return HealthGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static void awaitStatus(ManagedChannel ch, String service, ServingStatus expected) {
    await(service + " " + expected).atMost(NodeCluster.WAIT).ignoreExceptions()
        .until(() -> status(ch, service) == expected);
  }

  @Test
  void notServingUntilTheQuorumFormsAndTheBrokerIsUnfenced() {
    cluster = NodeCluster.combinedNotStarted(dir, 3, Map.of());
    cluster.start(1);
    ManagedChannel broker = channel(cluster.config(1).brokerListener().port());
    ManagedChannel controller = channel(cluster.config(1).controllerListener().port());
    // One voter of three: no leader can be elected, so neither role can be ready.
    for (ManagedChannel ch : List.of(broker, controller)) {
      await("health declared").atMost(NodeCluster.WAIT).ignoreExceptions()
          .until(() -> status(ch, NodeHealth.BROKER_SERVICE) != null);
      for (String service : COMBINED) {
        assertEquals(ServingStatus.NOT_SERVING, status(ch, service), service);
      }
    }
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> MetadataServiceGrpc.newBlockingStub(broker).withDeadlineAfter(5, TimeUnit.SECONDS)
            .getMetadata(MetadataRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
    assertTrue(refused.getStatus().getDescription().contains("not serving yet"), refused.getMessage());

    cluster.start(2);
    cluster.start(3);
    cluster.awaitReady(1);
    for (ManagedChannel ch : List.of(broker, controller)) {
      for (String service : COMBINED) {
        awaitStatus(ch, service, ServingStatus.SERVING);
      }
    }
    // Serving now: the same call that was refused is answered (the others may still be registering).
    assertTrue(MetadataServiceGrpc.newBlockingStub(broker).withDeadlineAfter(5, TimeUnit.SECONDS)
        .getMetadata(MetadataRequest.getDefaultInstance()).getBrokersList().stream().anyMatch(b -> b.getNodeId() == 1));
  }

  @Test
  void notServingFromTheMomentShutdownBegins() throws Exception {
    cluster = NodeCluster.separate(dir, 1, 1, Map.of("default.replication.factor", "1", "min.insync.replicas", "1"));
    ManagedChannel broker = channel(cluster.config(1).brokerListener().port());
    ManagedChannel controller = channel(cluster.config(101).controllerListener().port());
    awaitStatus(broker, "", ServingStatus.SERVING);
    awaitStatus(broker, NodeHealth.BROKER_SERVICE, ServingStatus.SERVING);
    awaitStatus(controller, "", ServingStatus.SERVING);
    awaitStatus(controller, NodeHealth.CONTROLLER_SERVICE, ServingStatus.SERVING);
    // A broker-only node declares no controller service, and the other way round.
    assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
        () -> status(broker, NodeHealth.CONTROLLER_SERVICE)).getStatus().getCode());
    assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
        () -> status(controller, NodeHealth.BROKER_SERVICE)).getStatus().getCode());

    // Without a controller the controlled shutdown cannot complete: it waits its whole bound,
    // with the listener still up, and health must already say NOT_SERVING.
    cluster.kill(101);
    assertEquals(ServingStatus.SERVING, status(broker, ""));
    long start = System.nanoTime();
    CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> cluster.shutdown(1, Duration.ofSeconds(4)));
    awaitStatus(broker, "", ServingStatus.NOT_SERVING);
    assertEquals(ServingStatus.NOT_SERVING, status(broker, NodeHealth.BROKER_SERVICE));
    assertFalse(shutdown.isDone(), "health answered, so the node was still shutting down");
    shutdown.get(30, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMs >= 4_000, "the controlled shutdown waited its bound: " + tookMs + " ms");
  }
}
