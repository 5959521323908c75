package io.weir.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.prometheus.client.CollectorRegistry;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcServerMetricsTest {
  private static final String CHECK = "grpc.health.v1.Health/Check";

  private final CollectorRegistry registry = new CollectorRegistry();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void setUp() throws Exception {
    GrpcServerMetrics metrics = new GrpcServerMetrics();
    metrics.register(registry);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new HealthStatusManager().getHealthService())
        .intercept(metrics)
        .build()
        .start();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private Double sample(String name, String[] labels, String... values) {
    return registry.getSampleValue(name, labels, values);
  }

  @Test
  void countsCallsErrorsByStatusAndTimesEveryCall() {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    health.check(HealthCheckRequest.getDefaultInstance());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> health.check(HealthCheckRequest.newBuilder().setService("no.such.Service").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());

    String[] method = {"method"};
    assertEquals(2.0, sample("weir_grpc_requests_total", method, CHECK));
    assertEquals(1.0, sample("weir_grpc_errors_total", new String[] {"method", "code"}, CHECK, "NOT_FOUND"));
    assertNull(sample("weir_grpc_errors_total", new String[] {"method", "code"}, CHECK, "OK"), "OK is no error");
    assertEquals(2.0, sample("weir_grpc_request_duration_seconds_count", method, CHECK));
    assertEquals(2.0, sample("weir_grpc_request_duration_seconds_bucket", new String[] {"method", "le"}, CHECK, "10.0"),
        "a health check takes less than the largest bucket");
  }
}
