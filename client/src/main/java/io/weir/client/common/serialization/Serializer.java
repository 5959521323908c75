package io.weir.client.common.serialization;

import io.weir.common.record.Header;
import java.io.Closeable;
import java.util.List;
import java.util.Map;

/** Turns a key or value into bytes (Kafka's {@code Serializer}). Null maps to null. */
public interface Serializer<T> extends Closeable {
  default void configure(Map<String, ?> configs, boolean isKey) {}

  byte[] serialize(String topic, T data);

  default byte[] serialize(String topic, List<Header> headers, T data) {
    return serialize(topic, data);
  }

  @Override
  default void close() {}
}
