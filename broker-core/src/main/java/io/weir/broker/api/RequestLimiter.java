package io.weir.broker.api;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kafka's {@code queued.max.requests} for a gRPC listener: at most {@code limit} calls are held at
 * once across all connections; a call beyond that is refused with RESOURCE_EXHAUSTED before its
 * handler runs, so nothing of it is appended and the client retries it (producers and consumers
 * treat any transport failure as retriable). Per connection, the HTTP/2 stream limit set to the
 * same value pushes back without failing anything; this guards against many connections.
 *
 * <p>A call holds its slot from admission until it is closed or cancelled, whichever comes first,
 * so a parked fetch counts: every such call keeps request or response bytes alive.
 */
public final class RequestLimiter implements ServerInterceptor {
  private final int limit;
  private final AtomicInteger held = new AtomicInteger(); // shared by all transport threads

  public RequestLimiter(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("queued.max.requests must be at least 1, was " + limit);
    }
    this.limit = limit;
  }

  /** Calls admitted and not yet finished. */
  public int held() {
    return held.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.BIDI_STREAMING) {
      return limitEachRequest(call, headers, next);
    }
    if (held.incrementAndGet() > limit) {
      held.decrementAndGet();
      refuse(call);
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        held.decrementAndGet();
      }
    };
    ServerCall<Q, R> tracked =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            release.run();
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> delegate;
    try {
      delegate = next.startCall(tracked, headers);
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onCancel() {
        release.run();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        release.run();
        super.onComplete();
      }
    };
  }

  /**
   * A request-answer stream (FetchStream) holds no slot while idle: each request it carries holds
   * one from its arrival until the next answer is sent or the stream ends, as a call would. A
   * request over the limit ends the stream with RESOURCE_EXHAUSTED; the client opens another.
   */
  private <Q, R> ServerCall.Listener<Q> limitEachRequest(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    AtomicInteger mine = new AtomicInteger(); // slots this stream holds; any thread
    AtomicBoolean refused = new AtomicBoolean(); // transport thread
    Runnable releaseAll = () -> held.addAndGet(-mine.getAndSet(0));
    ServerCall<Q, R> tracked =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(R message) {
            if (mine.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
              held.decrementAndGet();
            }
            super.sendMessage(message);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            releaseAll.run();
            super.close(status, trailers);
          }
        };
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        next.startCall(tracked, headers)) {
      @Override
      public void onMessage(Q message) {
        if (refused.get()) {
          return;
        }
        if (held.incrementAndGet() > limit) {
          held.decrementAndGet();
          refused.set(true);
          refuse(tracked);
          return;
        }
        mine.incrementAndGet();
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        releaseAll.run();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        releaseAll.run();
        super.onComplete();
      }
    };
  }

  private void refuse(ServerCall<?, ?> call) {
    call.close(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "broker busy: " + limit + " requests in progress (queued.max.requests); retry"),
        new Metadata());
  }
}
