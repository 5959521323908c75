package io.weir.client.common.network;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** One gRPC channel per broker address, created on first use and reused until close. */
public final class ChannelPool implements AutoCloseable {
  /**
   * For calls whose callbacks only hand the answer to a waiting thread (produce, fetch): running them
   * on the transport thread saves a hop through gRPC's executor on every answer, which shows in the
   * end-to-end latency of one record at a time.
   */
  public static final Executor CALLBACKS_INLINE = Runnable::run;

  private final int maxInboundBytes;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>(); // any thread
  private volatile boolean closed; // set once by close

  /** @param maxInboundBytes at least {@code fetch.max.bytes} plus framing */
  public ChannelPool(int maxInboundBytes) {
    this.maxInboundBytes = maxInboundBytes;
  }

  public ManagedChannel channel(String host, int port) {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    return channels.computeIfAbsent(
        host + ":" + port,
        a ->
            NettyChannelBuilder.forAddress(host, port)
                .usePlaintext()
                .maxInboundMessageSize(maxInboundBytes)
                // A whole fetch response in flight without waiting on window updates.
                .flowControlWindow(Math.max(1 << 20, Math.min(maxInboundBytes, 64 << 20)))
                // The clients retry by their own rules (idempotent produce, fetch positions); gRPC's
                // retry layer would only hold every request until its answer begins.
                .disableRetry()
                .build());
  }

  @Override
  public void close() {
    closed = true;
    for (ManagedChannel c : channels.values()) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels.values()) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
