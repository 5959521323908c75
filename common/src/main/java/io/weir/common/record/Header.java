package io.weir.common.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record header: a UTF-8 key and an optional value. The value array is shared, not copied (as in
 * Kafka); neither the reader nor the builder modifies it, and callers must not either.
 */
public record Header(String key, byte[] value) {
  public Header {
    Objects.requireNonNull(key, "header key");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Header(" + key + ", " + (value == null ? "null" : value.length + " bytes") + ")";
  }
}
