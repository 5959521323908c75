package io.weir.broker.api;

import io.weir.common.TopicPartition;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One FetchStream's fetches, handled one after another, so that a request can continue a partition
 * from where the stream's previous answer for it ended: a client then keeps two fetches of a
 * partition in flight without knowing where the first will end, and the broker reads the next
 * chunk while the client still takes in the last.
 *
 * <p>Threads: {@link #queued} and {@link #busy} are guarded by {@code this}; {@link #nextOffsets}
 * is used only by the one fetch being handled, each handing it to the next through that lock.
 */
final class FetchStreamSession implements InOrderStream.Service<FetchRequest, FetchResponse> {
  /** Requests read ahead of their answers: the one being handled and the next. */
  static final int READ_AHEAD = 2;

  /** Handles one fetch, continuing partitions from and recording their ends in {@code nextOffsets}. */
  interface Fetch {
    void handle(
        FetchRequest request,
        Map<TopicPartition, Long> nextOffsets,
        Consumer<FetchResponse> answer,
        Consumer<Throwable> fail);
  }

  private final Fetch fetch;
  private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
  private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
  private boolean busy;

  FetchStreamSession(Fetch fetch) {
    this.fetch = fetch;
  }

  @Override
  public void handle(FetchRequest request, Consumer<FetchResponse> answer, Consumer<Throwable> fail) {
    Runnable run =
        () ->
            fetch.handle(
                request,
                nextOffsets,
                response -> {
                  answer.accept(response);
                  next();
                },
                error -> {
                  fail.accept(error);
                  next();
                });
    synchronized (this) {
      if (busy) {
        queued.add(run);
        return;
      }
      busy = true;
    }
    run.run();
  }

  /** Starts the next queued fetch, on the thread that answered the last. */
  private void next() {
    Runnable run;
    synchronized (this) {
      run = queued.poll();
      if (run == null) {
        busy = false;
        return;
      }
    }
    run.run();
  }
}
