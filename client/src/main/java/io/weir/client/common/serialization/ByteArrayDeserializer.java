package io.weir.client.common.serialization;

public final class ByteArrayDeserializer implements Deserializer<byte[]> {
  @Override
  public byte[] deserialize(String topic, byte[] data) {
    return data;
  }
}
