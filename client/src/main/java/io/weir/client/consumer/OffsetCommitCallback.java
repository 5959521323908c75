package io.weir.client.consumer;

import io.weir.common.TopicPartition;
import java.util.Map;

/** Completion of {@code commitAsync}, run on the polling thread during a later call to the consumer. */
@FunctionalInterface
public interface OffsetCommitCallback {
  /** @param exception null on success */
  void onComplete(Map<TopicPartition, OffsetAndMetadata> offsets, Exception exception);
}
