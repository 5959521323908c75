package io.weir.client.common.serialization;

import io.weir.client.common.errors.SerializationException;

public final class LongDeserializer implements Deserializer<Long> {
  @Override
  public Long deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length != 8) {
      throw new SerializationException("a Long needs 8 bytes, got " + data.length + " (topic " + topic + ")");
    }
    long v = 0;
    for (byte b : data) {
      v = (v << 8) | (b & 0xff);
    }
    return v;
  }
}
