package io.weir.broker.cluster;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Everything a broker sends on one stream, and how the stream ended. */
final class StreamRecorder<T> implements StreamObserver<T> {
  final List<T> received = new CopyOnWriteArrayList<>();
  /** The error that ended the stream, or null once it completed normally. */
  final CompletableFuture<Throwable> ended = new CompletableFuture<>();

  @Override
  public void onNext(T value) {
    received.add(value);
  }

  @Override
  public void onError(Throwable t) {
    ended.complete(t);
  }

  @Override
  public void onCompleted() {
    ended.complete(null);
  }
}
