package io.weir.client.common.serialization;

import java.nio.charset.StandardCharsets;

/** UTF-8, Kafka's default encoding for strings. */
public final class StringSerializer implements Serializer<String> {
  @Override
  public byte[] serialize(String topic, String data) {
    return data == null ? null : data.getBytes(StandardCharsets.UTF_8);
  }
}
