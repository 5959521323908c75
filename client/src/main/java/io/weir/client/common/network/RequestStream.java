package io.weir.client.common.network;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Requests to one broker on one bidirectional stream that answers each request once, in order
 * (FetchStream, ProduceStream): a request costs a message each way instead of a call's set-up,
 * headers and trailers. Once the stream fails, ends, or its oldest request passes its deadline, it
 * is broken for good: every pending request fails, and its owner opens another.
 *
 * <p>Threads: one owner thread sends and expires; gRPC's transport thread delivers answers and
 * failures. Each pending request's handler is called exactly once, by whichever thread takes it
 * from {@link #pending}.
 */
public final class RequestStream<Q, R> {
  /** The outcome of one request: exactly one of these is called, once. */
  public interface Handler<R> {
    void onAnswer(R response);

    void onFailure(Throwable cause);
  }

  private record Pending<R>(Handler<R> handler, long deadlineMs) {}

  private final ConcurrentLinkedQueue<Pending<R>> pending = new ConcurrentLinkedQueue<>(); // in send order
  private volatile ClientCallStreamObserver<Q> requests; // set before the call starts
  private volatile boolean broken;

  public RequestStream(Channel channel, MethodDescriptor<Q, R> method) {
    ClientCalls.asyncBidiStreamingCall(
        // The handlers only queue the answer: no executor hop.
        channel.newCall(method, CallOptions.DEFAULT.withExecutor(ChannelPool.CALLBACKS_INLINE)),
        new ClientResponseObserver<Q, R>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<Q> stream) {
            requests = stream;
          }

          @Override
          public void onNext(R response) {
            Pending<R> p = pending.poll();
            if (p != null) {
              p.handler().onAnswer(response);
            }
          }

          @Override
          public void onError(Throwable t) {
            breakWith(t);
          }

          @Override
          public void onCompleted() {
            breakWith(new IllegalStateException("the broker ended the " + method.getBareMethodName() + " stream"));
          }
        });
  }

  /** False once the stream failed, ended or timed out: open another. */
  public boolean usable() {
    return !broken;
  }

  /** Requests sent and not yet answered or failed. */
  public int pending() {
    return pending.size();
  }

  /** Sends a request; its handler is called with the answer, or with the stream's failure. */
  public void send(Q request, long deadlineMs, Handler<R> handler) {
    pending.add(new Pending<>(handler, deadlineMs));
    try {
      requests.onNext(request);
    } catch (RuntimeException e) {
      breakWith(e);
      return;
    }
    if (broken) {
      // The stream broke around the send: its failure may have missed this request.
      failAll(new IllegalStateException("the stream broke"));
    }
  }

  /** Cancels the stream when its oldest request is past its deadline, failing every request on it. */
  public void expireIfLate(long nowMs) {
    Pending<R> oldest = pending.peek();
    if (oldest != null && nowMs > oldest.deadlineMs()) {
      requests.cancel("request timed out", null);
    }
  }

  public void close() {
    requests.cancel("client closed", null);
  }

  private void breakWith(Throwable cause) {
    broken = true;
    failAll(cause);
  }

  private void failAll(Throwable cause) {
    Pending<R> p;
    while ((p = pending.poll()) != null) {
      p.handler().onFailure(cause);
    }
  }
}
