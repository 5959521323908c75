package io.weir.common.record;

/** Record-batch codecs with Kafka's ids (attribute bits 0-2) and config names. */
public enum CompressionType {
  NONE(0, "none"),
  GZIP(1, "gzip"),
  SNAPPY(2, "snappy"),
  LZ4(3, "lz4"),
  ZSTD(4, "zstd");

  public static final int MAX_ID = 4;

  public final int id;
  public final String configName;

  CompressionType(int id, String configName) {
    this.id = id;
    this.configName = configName;
  }

  public static CompressionType forId(int id) {
    for (CompressionType t : values()) {
      if (t.id == id) {
        return t;
      }
    }
    throw new CorruptRecordException("unknown compression codec id " + id);
  }

  /** Parses {@code compression.type}; the message names the accepted values. */
  public static CompressionType forName(String name) {
    for (CompressionType t : values()) {
      if (t.configName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "compression.type must be one of none, gzip, snappy, lz4, zstd, not '" + name + "'");
  }
}
