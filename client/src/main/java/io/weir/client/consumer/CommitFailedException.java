package io.weir.client.consumer;

import io.weir.client.common.errors.WeirException;

/**
 * A commit the group refused: the consumer is no longer the partitions' owner in the current
 * generation (it was kicked out, e.g. after exceeding {@code max.poll.interval.ms}, or a rebalance
 * is under way). The offsets were not stored; the records since the last commit will be redelivered.
 */
public class CommitFailedException extends WeirException {
  private static final long serialVersionUID = 1L;

  public CommitFailedException(String message) {
    super(message);
  }
}
