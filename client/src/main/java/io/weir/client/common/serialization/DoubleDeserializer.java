package io.weir.client.common.serialization;

public final class DoubleDeserializer implements Deserializer<Double> {
  private final LongDeserializer longs = new LongDeserializer();

  @Override
  public Double deserialize(String topic, byte[] data) {
    return data == null ? null : Double.longBitsToDouble(longs.deserialize(topic, data));
  }
}
