package io.weir.client.producer;

/**
 * Called once per record when its send completes, on the producer's I/O thread, in send order per
 * partition: keep it fast. Exactly one of metadata and exception is non-null (metadata carries the
 * partition even on failure in Kafka; here it is null on failure).
 */
@FunctionalInterface
public interface Callback {
  void onCompletion(RecordMetadata metadata, Exception exception);
}
