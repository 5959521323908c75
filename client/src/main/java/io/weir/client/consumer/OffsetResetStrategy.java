package io.weir.client.consumer;

import java.util.Locale;

/** {@code auto.offset.reset}. */
public enum OffsetResetStrategy {
  EARLIEST,
  LATEST,
  NONE;

  public static OffsetResetStrategy forConfig(String value) {
    return valueOf(value.trim().toUpperCase(Locale.ROOT));
  }
}
