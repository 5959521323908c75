package io.weir.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import io.grpc.stub.StreamObserver;
import io.prometheus.client.CollectorRegistry;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.FetchServiceGrpc;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
        .addService(new EchoFetches())
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

  /** Answers each streamed fetch with an empty response; a max wait of -1 fails the stream instead. */
  private static final class EchoFetches extends FetchServiceGrpc.FetchServiceImplBase {
    @Override
    public StreamObserver<FetchRequest> fetchStream(StreamObserver<FetchResponse> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(FetchRequest r) {
          if (r.getMaxWaitMs() < 0) {
            out.onError(Status.INVALID_ARGUMENT.asRuntimeException());
          } else {
            out.onNext(FetchResponse.getDefaultInstance());
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }
  }

  @Test
  void countsAndTimesEachRequestOfAFetchStream() throws Exception {
    String stream = "weir.v1.FetchService/FetchStream";
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    StreamObserver<FetchRequest> requests = FetchServiceGrpc.newStub(channel).fetchStream(new StreamObserver<>() {
      @Override
      public void onNext(FetchResponse value) {
        events.add(value);
      }

      @Override
      public void onError(Throwable t) {
        events.add(t);
      }

      @Override
      public void onCompleted() {
        events.add("completed");
      }
    });
    for (int i = 0; i < 3; i++) {
      requests.onNext(FetchRequest.getDefaultInstance());
      assertInstanceOf(FetchResponse.class, events.poll(10, TimeUnit.SECONDS));
    }
    requests.onNext(FetchRequest.newBuilder().setMaxWaitMs(-1).build());
    assertInstanceOf(StatusRuntimeException.class, events.poll(10, TimeUnit.SECONDS));

    String[] method = {"method"};
    assertEquals(4.0, sample("weir_grpc_requests_total", method, stream), "each request counts, not the stream");
    assertEquals(3.0, sample("weir_grpc_request_duration_seconds_count", method, stream), "each answer is timed");
    assertEquals(1.0, sample("weir_grpc_errors_total", new String[] {"method", "code"}, stream, "INVALID_ARGUMENT"));
  }
}
