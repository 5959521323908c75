package io.weir.broker.producer;

import io.weir.metadata.controller.ProducerIdsBlock;
import java.util.concurrent.CompletableFuture;

/** The controller's AllocateProducerIds for this broker (an RPC later; a fake in tests). */
@FunctionalInterface
public interface ProducerIdBlockSource {
  CompletableFuture<ProducerIdsBlock> allocate();
}
