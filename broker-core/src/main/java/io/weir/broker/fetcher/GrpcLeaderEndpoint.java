package io.weir.broker.fetcher;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.weir.metadata.image.Endpoint;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.FetchServiceGrpc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Fetches from a leader over one gRPC channel, reused for every fetch to that broker. */
public final class GrpcLeaderEndpoint implements LeaderEndpoint {
  /** Lets a whole fetch of several partitions flow without waiting for window updates. */
  public static final int FLOW_CONTROL_WINDOW = 8 << 20;

  private final ManagedChannel channel;
  private final FetchServiceGrpc.FetchServiceStub stub;
  private final long requestTimeoutMs;

  public GrpcLeaderEndpoint(Endpoint endpoint, int maxInboundBytes, long requestTimeoutMs) {
    this.channel =
        NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
            .usePlaintext()
            .maxInboundMessageSize(maxInboundBytes)
            .flowControlWindow(FLOW_CONTROL_WINDOW)
            // The answer only completes a future the fetcher thread waits on: no executor hop.
            .directExecutor()
            .build();
    this.stub = FetchServiceGrpc.newStub(channel);
    this.requestTimeoutMs = requestTimeoutMs;
  }

  @Override
  public CompletableFuture<FetchResponse> fetch(FetchRequest request) {
    CompletableFuture<FetchResponse> out = new CompletableFuture<>();
    stub.withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS)
        .fetch(
            request,
            new StreamObserver<>() {
              @Override
              public void onNext(FetchResponse value) {
                out.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                out.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                out.completeExceptionally(new IllegalStateException("fetch answered nothing"));
              }
            });
    return out;
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
