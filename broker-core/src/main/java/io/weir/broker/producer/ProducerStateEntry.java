package io.weir.broker.producer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One producer's state on a partition: its epoch and its last {@link #MAX_CACHED_BATCHES} batches,
 * the window within which Kafka's producer may retry (max.in.flight.requests.per.connection).
 *
 * <p>Mutable; guarded by the owning {@link ProducerStateManager}'s discipline.
 */
final class ProducerStateEntry {
  static final int MAX_CACHED_BATCHES = 5;

  private short epoch;
  private final Deque<BatchMetadata> batches = new ArrayDeque<>(MAX_CACHED_BATCHES);

  ProducerStateEntry(short epoch) {
    this.epoch = epoch;
  }

  short epoch() {
    return epoch;
  }

  int lastSeq() {
    return batches.isEmpty() ? -1 : batches.peekLast().lastSeq();
  }

  Iterable<BatchMetadata> batches() {
    return batches;
  }

  BatchMetadata findDuplicate(int firstSeq, int lastSeq) {
    for (BatchMetadata b : batches) {
      if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
        return b;
      }
    }
    return null;
  }

  void add(short batchEpoch, BatchMetadata batch) {
    if (batchEpoch != epoch) {
      epoch = batchEpoch;
      batches.clear(); // a new epoch restarts the sequence
    }
    if (batches.size() == MAX_CACHED_BATCHES) {
      batches.removeFirst();
    }
    batches.addLast(batch);
  }
}
