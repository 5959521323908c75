package io.weir.broker.fetcher;

import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import java.util.concurrent.CompletableFuture;

/** How a follower reaches one leader broker: gRPC in production, anything in unit tests. */
public interface LeaderEndpoint extends AutoCloseable {
  CompletableFuture<FetchResponse> fetch(FetchRequest request);

  @Override
  void close();
}
