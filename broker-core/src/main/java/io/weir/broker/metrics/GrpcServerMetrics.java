package io.weir.broker.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Request count, errors by gRPC status and latency per method (Kafka's per-API request metrics),
 * once for every service of a server: install it with {@code ServerBuilder.intercept}. A call is
 * timed from its start to its close or cancellation; for a client stream that is the stream's
 * lifetime, and a request-answer stream counts each request as one.
 * Kafka-style error codes inside a successful response are not gRPC errors and are not counted
 * here. Thread-safe.
 */
public final class GrpcServerMetrics implements ServerInterceptor {
  /** 0.1 ms to 10 s: a produce to the page cache takes well under a millisecond, a long poll seconds. */
  static final double[] LATENCY_BUCKETS = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final Counter requests = Counter.build("weir_grpc_requests_total",
          "gRPC calls started, per method (service/method).")
      .labelNames("method").create();
  private final Counter errors = Counter.build("weir_grpc_errors_total",
          "gRPC calls that ended with a status other than OK, per method and status code.")
      .labelNames("method", "code").create();
  private final Histogram latency = Histogram.build("weir_grpc_request_duration_seconds",
          "Time from the start of a gRPC call to its close (on a FetchStream: from a request to its answer), per method.")
      .labelNames("method").buckets(LATENCY_BUCKETS).create();

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.BIDI_STREAMING) {
      return timeEachRequest(method, call, headers, next);
    }
    requests.labels(method).inc();
    long start = System.nanoTime();
    AtomicBoolean done = new AtomicBoolean(); // close and cancel may race: the first one counts
    ServerCall<ReqT, RespT> timed = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        finish(method, start, status, done);
        super.close(status, trailers);
      }
    };
    return new SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
      @Override
      public void onCancel() {
        finish(method, start, Status.CANCELLED, done);
        super.onCancel();
      }
    };
  }

  /**
   * A request-answer stream (FetchStream) is counted and timed per request, from its arrival to
   * the next answer sent, so its requests show like calls; an error ending it counts once.
   */
  private <ReqT, RespT> ServerCall.Listener<ReqT> timeEachRequest(
      String method, ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Queue<Long> started = new ConcurrentLinkedQueue<>(); // arrival times of unanswered requests
    ServerCall<ReqT, RespT> timed = new SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(RespT message) {
        Long start = started.poll();
        if (start != null) {
          latency.labels(method).observe((System.nanoTime() - start) / 1e9);
        }
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        if (!status.isOk()) {
          errors.labels(method, status.getCode().name()).inc();
        }
        super.close(status, trailers);
      }
    };
    return new SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
      @Override
      public void onMessage(ReqT message) {
        requests.labels(method).inc();
        started.add(System.nanoTime());
        super.onMessage(message);
      }
    };
  }

  private void finish(String method, long startNanos, Status status, AtomicBoolean done) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    latency.labels(method).observe((System.nanoTime() - startNanos) / 1e9);
    if (!status.isOk()) {
      errors.labels(method, status.getCode().name()).inc();
    }
  }

  public void register(CollectorRegistry registry) {
    registry.register(requests);
    registry.register(errors);
    registry.register(latency);
  }
}
