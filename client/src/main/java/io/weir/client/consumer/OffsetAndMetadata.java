package io.weir.client.consumer;

import java.util.Optional;

/** A committed (or to-be-committed) position with optional leader epoch and metadata, as in Kafka. */
public record OffsetAndMetadata(long offset, Optional<Integer> leaderEpoch, String metadata) {
  public OffsetAndMetadata {
    if (offset < 0) {
      throw new IllegalArgumentException("Invalid negative offset " + offset);
    }
    metadata = metadata == null ? "" : metadata;
  }

  public OffsetAndMetadata(long offset) {
    this(offset, Optional.empty(), "");
  }

  public OffsetAndMetadata(long offset, String metadata) {
    this(offset, Optional.empty(), metadata);
  }
}
