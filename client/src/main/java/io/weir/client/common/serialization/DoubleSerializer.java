package io.weir.client.common.serialization;

/** The IEEE 754 bits as a big-endian long, as Kafka writes them. */
public final class DoubleSerializer implements Serializer<Double> {
  private final LongSerializer longs = new LongSerializer();

  @Override
  public byte[] serialize(String topic, Double data) {
    return data == null ? null : longs.serialize(topic, Double.doubleToLongBits(data));
  }
}
