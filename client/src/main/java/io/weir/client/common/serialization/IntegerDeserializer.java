package io.weir.client.common.serialization;

import io.weir.client.common.errors.SerializationException;

public final class IntegerDeserializer implements Deserializer<Integer> {
  @Override
  public Integer deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length != 4) {
      throw new SerializationException("an Integer needs 4 bytes, got " + data.length + " (topic " + topic + ")");
    }
    int v = 0;
    for (byte b : data) {
      v = (v << 8) | (b & 0xff);
    }
    return v;
  }
}
