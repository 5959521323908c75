package io.weir.client.common.serialization;

import io.weir.common.record.Header;
import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/** Turns bytes back into a key or value (Kafka's {@code Deserializer}). Null maps to null. */
public interface Deserializer<T> extends Closeable {
  default void configure(Map<String, ?> configs, boolean isKey) {}

  T deserialize(String topic, byte[] data);

  default T deserialize(String topic, List<Header> headers, byte[] data) {
    return deserialize(topic, data);
  }

  /** Reads from position to limit without moving them; the default copies into an array once. */
  default T deserialize(String topic, List<Header> headers, ByteBuffer data) {
    if (data == null) {
      return deserialize(topic, headers, (byte[]) null);
    }
    byte[] bytes = new byte[data.remaining()];
    data.duplicate().get(bytes);
    return deserialize(topic, headers, bytes);
  }

  @Override
  default void close() {}
}
