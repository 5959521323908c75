package io.weir.client.consumer.internals;

import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.weir.client.common.network.ChannelPool;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.FetchServiceGrpc;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The consumer's fetches to one broker, one at a time on one FetchStream call: a fetch costs one
 * message each way instead of a call's set-up, headers and trailers. Once the stream fails, ends or
 * a fetch on it times out, it is broken for good and the {@link Fetcher} opens another.
 *
 * <p>Threads: the application thread sends and expires; gRPC's transport thread delivers the
 * answer. {@link #pending} hands each fetch's outcome to exactly one of them.
 */
final class FetchStream {
  /** The outcome of one fetch: exactly one of these is called, once. */
  interface Handler {
    void onAnswer(FetchResponse response);

    void onFailure(Throwable cause);
  }

  private final AtomicReference<Handler> pending = new AtomicReference<>();
  private volatile ClientCallStreamObserver<FetchRequest> requests; // set before the call starts
  private volatile boolean broken;
  private volatile long deadlineMs; // of the pending fetch

  FetchStream(Channel channel) {
    FetchServiceGrpc.newStub(channel)
        .withExecutor(ChannelPool.CALLBACKS_INLINE) // the handlers only queue the answer
        .fetchStream(
            new ClientResponseObserver<FetchRequest, FetchResponse>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<FetchRequest> stream) {
                requests = stream;
              }

              @Override
              public void onNext(FetchResponse response) {
                Handler h = pending.getAndSet(null);
                if (h != null) {
                  h.onAnswer(response);
                }
              }

              @Override
              public void onError(Throwable t) {
                breakWith(t);
              }

              @Override
              public void onCompleted() {
                breakWith(new IllegalStateException("the broker ended the fetch stream"));
              }
            });
  }

  /** False once the stream failed, ended or timed out: open another. */
  boolean usable() {
    return !broken;
  }

  /** Sends a fetch; the stream must be usable and have no fetch pending. */
  void send(FetchRequest request, long deadlineMs, Handler handler) {
    if (!pending.compareAndSet(null, handler)) {
      throw new IllegalStateException("a fetch is already pending on this stream");
    }
    this.deadlineMs = deadlineMs;
    try {
      requests.onNext(request);
    } catch (RuntimeException e) {
      breakWith(e);
      return;
    }
    if (broken) {
      // The stream broke around the send: its failure may have missed this handler.
      Handler h = pending.getAndSet(null);
      if (h != null) {
        h.onFailure(new IllegalStateException("the fetch stream broke"));
      }
    }
  }

  /** Cancels the stream when its pending fetch is past its deadline, failing that fetch. */
  void expireIfLate(long nowMs) {
    if (pending.get() != null && nowMs > deadlineMs) {
      requests.cancel("fetch timed out", null);
    }
  }

  void close() {
    requests.cancel("consumer closed", null);
  }

  private void breakWith(Throwable cause) {
    broken = true;
    Handler h = pending.getAndSet(null);
    if (h != null) {
      h.onFailure(cause);
    }
  }
}
