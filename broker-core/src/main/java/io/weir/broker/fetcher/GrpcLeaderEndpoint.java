package io.weir.broker.fetcher;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.weir.metadata.image.Endpoint;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.FetchServiceGrpc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches from a leader over one gRPC channel, reused for every fetch to that broker, one fetch at a
 * time on one FetchStream call: a fetch costs a message each way instead of a call's set-up,
 * headers and trailers, which is most of its cost when every produce with acks=all waits on a
 * follower's fetch. A stream that fails, ends, or still owes an answer when the next fetch is sent
 * (the fetcher stopped waiting for it) is cancelled and replaced.
 *
 * <p>Threads: the replica fetcher's thread calls {@link #fetch}; gRPC's transport thread completes
 * the futures.
 */
public final class GrpcLeaderEndpoint implements LeaderEndpoint {
  /** Lets a whole fetch of several partitions flow without waiting for window updates. */
  public static final int FLOW_CONTROL_WINDOW = 8 << 20;

  private final ManagedChannel channel;
  private final FetchServiceGrpc.FetchServiceStub stub;
  private Stream stream; // the fetcher thread

  public GrpcLeaderEndpoint(Endpoint endpoint, int maxInboundBytes) {
    this.channel =
        NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
            .usePlaintext()
            .maxInboundMessageSize(maxInboundBytes)
            .flowControlWindow(FLOW_CONTROL_WINDOW)
            // The answer only completes a future the fetcher thread waits on: no executor hop.
            .directExecutor()
            .build();
    this.stub = FetchServiceGrpc.newStub(channel);
  }

  @Override
  public CompletableFuture<FetchResponse> fetch(FetchRequest request) {
    if (stream == null || !stream.idle()) {
      if (stream != null) {
        stream.cancel();
      }
      stream = new Stream();
    }
    return stream.send(request);
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

  /** One FetchStream call; {@link #pending} hands each fetch's outcome to exactly one thread. */
  private final class Stream implements ClientResponseObserver<FetchRequest, FetchResponse> {
    private final AtomicReference<CompletableFuture<FetchResponse>> pending = new AtomicReference<>();
    private volatile ClientCallStreamObserver<FetchRequest> requests; // set before the call starts
    private volatile boolean broken;

    Stream() {
      stub.fetchStream(this);
    }

    boolean idle() {
      return !broken && pending.get() == null;
    }

    CompletableFuture<FetchResponse> send(FetchRequest request) {
      CompletableFuture<FetchResponse> out = new CompletableFuture<>();
      pending.set(out);
      try {
        requests.onNext(request);
      } catch (RuntimeException e) {
        onError(e);
      }
      if (broken) {
        fail(new IllegalStateException("the fetch stream broke")); // its failure may have missed out
      }
      return out;
    }

    void cancel() {
      requests.cancel("replaced: a fetch on it went unanswered", null);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<FetchRequest> stream) {
      requests = stream;
    }

    @Override
    public void onNext(FetchResponse response) {
      CompletableFuture<FetchResponse> f = pending.getAndSet(null);
      if (f != null) {
        f.complete(response);
      }
    }

    @Override
    public void onError(Throwable t) {
      broken = true;
      fail(t);
    }

    @Override
    public void onCompleted() {
      broken = true;
      fail(new IllegalStateException("the leader ended the fetch stream"));
    }

    private void fail(Throwable t) {
      CompletableFuture<FetchResponse> f = pending.getAndSet(null);
      if (f != null) {
        f.completeExceptionally(t);
      }
    }
  }
}
