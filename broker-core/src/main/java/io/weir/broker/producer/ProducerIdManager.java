package io.weir.broker.producer;

import io.weir.broker.ApiException;
import io.weir.proto.v1.ErrorCode;
import java.util.concurrent.CompletableFuture;

/**
 * Hands out producer ids for InitProducerId from blocks the controller allocated to this broker, so
 * no two brokers ever give out the same id; fetches a new block when one runs out.
 */
public final class ProducerIdManager {
  private final ProducerIdBlockSource source;
  private long next; // guarded by this
  private long end; // guarded by this; exclusive
  private CompletableFuture<Void> fetching; // guarded by this; the block request in flight

  public ProducerIdManager(ProducerIdBlockSource source) {
    this.source = source;
  }

  public CompletableFuture<Long> generateProducerId() {
    CompletableFuture<Void> wait;
    synchronized (this) {
      if (next < end) {
        return CompletableFuture.completedFuture(next++);
      }
      if (fetching == null || fetching.isDone()) {
        fetching =
            source
                .allocate()
                .thenAccept(
                    block -> {
                      if (!block.error().isSuccess()) {
                        throw new ApiException(
                            ErrorCode.valueOf(block.error().error().name()), block.error().message());
                      }
                      synchronized (this) {
                        next = block.firstProducerId();
                        end = block.firstProducerId() + block.size();
                      }
                    })
                .whenComplete(
                    (ok, error) -> {
                      synchronized (this) {
                        fetching = null;
                      }
                    });
      }
      wait = fetching;
    }
    return wait.thenCompose(ok -> generateProducerId());
  }
}
