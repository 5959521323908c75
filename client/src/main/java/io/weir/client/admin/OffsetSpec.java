package io.weir.client.admin;

/** Which offset {@link Admin#listOffsets} looks up, as in Kafka. */
public record OffsetSpec(long timestamp) {
  public static OffsetSpec earliest() {
    return new OffsetSpec(-2L);
  }

  public static OffsetSpec latest() {
    return new OffsetSpec(-1L);
  }

  /** The earliest offset whose timestamp is at least {@code timestamp}. */
  public static OffsetSpec forTimestamp(long timestamp) {
    if (timestamp < 0) {
      throw new IllegalArgumentException("timestamp must not be negative: " + timestamp);
    }
    return new OffsetSpec(timestamp);
  }
}
