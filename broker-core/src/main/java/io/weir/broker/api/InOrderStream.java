package io.weir.broker.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's side of a request-answer stream (FetchStream, ProduceStream): requests are handed
 * to the service in arrival order, and each is answered once, in that order, whichever thread
 * completes it. gRPC is asked for at most {@code readAhead} requests beyond those answered, so a
 * stream holds a bounded number of requests. {@link #lock} orders every use of {@link #responses}.
 *
 * <p>The stream ends when the client half-closes or the broker drains ({@link #endAfterPending}),
 * each after its pending answers; when the client cancels; or when a request fails outright (the
 * client sees the error and opens another stream).
 */
final class InOrderStream<Q, R> implements StreamObserver<Q> {
  private static final Logger log = LoggerFactory.getLogger(InOrderStream.class);

  /** Handles one request: calls exactly one of its callbacks, once, on any thread. */
  interface Service<Q, R> {
    void handle(Q request, Consumer<R> answer, Consumer<Throwable> fail);
  }

  /** A service's open streams, so that a draining broker can end them. Thread-safe. */
  static final class Registry {
    private final Set<InOrderStream<?, ?>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean draining; // set once by endAll

    /** Ends every open stream, and any opened later, each after its pending answers. */
    void endAll() {
      draining = true;
      open.forEach(InOrderStream::endAfterPending);
    }
  }

  private final ServerCallStreamObserver<R> responses;
  private final Service<Q, R> service;
  private final Registry registry;
  private final Object lock = new Object();
  private final ArrayDeque<Slot<R>> unanswered = new ArrayDeque<>(); // request order; guarded by lock
  private boolean ending; // guarded by lock
  private boolean ended; // guarded by lock

  private static final class Slot<R> {
    R answer; // guarded by the stream's lock
  }

  InOrderStream(
      ServerCallStreamObserver<R> responses,
      int readAhead,
      Service<Q, R> service,
      Registry registry) {
    this.responses = responses;
    this.service = service;
    this.registry = registry;
    registry.open.add(this);
    responses.disableAutoRequest();
    // Cancelled by the client, or closed under the service (queued.max.requests refused a request).
    responses.setOnCancelHandler(this::ended);
    responses.setOnCloseHandler(this::ended);
    responses.request(readAhead);
    if (registry.draining) {
      endAfterPending(); // opened after endAll: nobody else would end it
    }
  }

  @Override
  public void onNext(Q request) {
    Slot<R> slot = new Slot<>();
    synchronized (lock) {
      if (ended) {
        return;
      }
      unanswered.add(slot);
    }
    service.handle(request, answer -> answer(slot, answer), this::fail);
  }

  private void answer(Slot<R> slot, R answer) {
    synchronized (lock) {
      slot.answer = answer;
      use(() -> {
        while (!unanswered.isEmpty() && unanswered.peek().answer != null) {
          responses.onNext(unanswered.poll().answer);
          responses.request(1);
        }
        if (ending && unanswered.isEmpty()) {
          end();
          responses.onCompleted();
        }
      });
    }
  }

  private void fail(Throwable t) {
    synchronized (lock) {
      use(() -> {
        end();
        responses.onError(t);
      });
    }
  }

  /** Ends the stream once every request read so far is answered. */
  void endAfterPending() {
    synchronized (lock) {
      ending = true;
      if (unanswered.isEmpty()) {
        use(() -> {
          end();
          responses.onCompleted();
        });
      }
    }
  }

  /** Runs a use of {@link #responses} unless the stream has ended; lock held. */
  private void use(Runnable use) {
    if (ended) {
      return;
    }
    try {
      use.run();
    } catch (RuntimeException e) {
      log.debug("stream closed under its answer: {}", e.toString()); // the client went away
      end();
    }
  }

  private void end() { // lock held
    ended = true;
    unanswered.clear();
    registry.open.remove(this);
  }

  private void ended() {
    synchronized (lock) {
      end();
    }
  }

  @Override
  public void onError(Throwable t) {
    ended(); // cancelled by the client or the transport: pending answers are dropped
  }

  @Override
  public void onCompleted() {
    endAfterPending();
  }
}
