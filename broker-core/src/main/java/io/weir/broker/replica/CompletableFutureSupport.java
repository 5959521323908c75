package io.weir.broker.replica;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

final class CompletableFutureSupport {
  private CompletableFutureSupport() {}

  /** Runs {@code call} and hands its outcome to {@code done}, also when {@code call} throws. */
  static <T> void whenDone(Supplier<CompletableFuture<T>> call, BiConsumer<T, Throwable> done) {
    CompletableFuture<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      done.accept(null, e);
      return;
    }
    future.whenComplete(done);
  }
}
