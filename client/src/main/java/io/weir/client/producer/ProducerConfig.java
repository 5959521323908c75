package io.weir.client.producer;

import io.weir.client.common.config.AbstractConfig;
import io.weir.client.common.config.CommonClientConfigs;
import io.weir.common.config.ConfigDef;
import io.weir.common.config.ConfigDef.Importance;
import io.weir.common.config.ConfigDef.Range;
import io.weir.common.config.ConfigDef.Type;
import io.weir.common.config.ConfigDef.ValidString;
import io.weir.common.config.ConfigException;
import io.weir.common.record.CompressionType;
import java.util.Map;
import java.util.Properties;

/** Producer settings with Kafka's names and defaults. */
public final class ProducerConfig extends AbstractConfig {
  public static final String BOOTSTRAP_SERVERS_CONFIG = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
  public static final String CLIENT_ID_CONFIG = CommonClientConfigs.CLIENT_ID_CONFIG;
  public static final String METADATA_MAX_AGE_CONFIG = CommonClientConfigs.METADATA_MAX_AGE_CONFIG;
  public static final String RETRY_BACKOFF_MS_CONFIG = CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG;
  public static final String REQUEST_TIMEOUT_MS_CONFIG = CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG;
  public static final String KEY_SERIALIZER_CLASS_CONFIG = "key.serializer";
  public static final String VALUE_SERIALIZER_CLASS_CONFIG = "value.serializer";
  public static final String ACKS_CONFIG = "acks";
  public static final String BATCH_SIZE_CONFIG = "batch.size";
  public static final String LINGER_MS_CONFIG = "linger.ms";
  public static final String BUFFER_MEMORY_CONFIG = "buffer.memory";
  public static final String MAX_BLOCK_MS_CONFIG = "max.block.ms";
  public static final String COMPRESSION_TYPE_CONFIG = "compression.type";
  public static final String RETRIES_CONFIG = "retries";
  public static final String DELIVERY_TIMEOUT_MS_CONFIG = "delivery.timeout.ms";
  public static final String MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = "max.in.flight.requests.per.connection";
  public static final String ENABLE_IDEMPOTENCE_CONFIG = "enable.idempotence";
  public static final String MAX_REQUEST_SIZE_CONFIG = "max.request.size";
  public static final String PARTITIONER_IGNORE_KEYS_CONFIG = "partitioner.ignore.keys";

  private static final ConfigDef DEF =
      CommonClientConfigs.withCommon(30_000)
          .define(KEY_SERIALIZER_CLASS_CONFIG, Type.STRING, null, Importance.HIGH,
              "Serializer class for keys (a Serializer implementation)")
          .define(VALUE_SERIALIZER_CLASS_CONFIG, Type.STRING, null, Importance.HIGH,
              "Serializer class for values (a Serializer implementation)")
          .define(ACKS_CONFIG, Type.STRING, "all", ValidString.in("all", "-1", "0", "1"), Importance.HIGH,
              "acknowledgements the leader waits for: 0, 1, or all (-1) of the in-sync replicas")
          .define(BATCH_SIZE_CONFIG, Type.INT, 16_384, Range.atLeast(0), Importance.MEDIUM,
              "target size in bytes of one partition's record batch")
          .define(LINGER_MS_CONFIG, Type.LONG, 5L, Range.atLeast(0), Importance.MEDIUM,
              "how long a batch waits for more records before it is sent")
          .define(BUFFER_MEMORY_CONFIG, Type.LONG, 32L * 1024 * 1024, Range.atLeast(0), Importance.HIGH,
              "bytes the producer may hold in unsent and unacknowledged batches")
          .define(MAX_BLOCK_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(0), Importance.MEDIUM,
              "how long send() and partitionsFor() block for metadata or buffer memory")
          .define(COMPRESSION_TYPE_CONFIG, Type.STRING, "none", ValidString.in("none", "gzip", "snappy", "lz4", "zstd"), Importance.HIGH,
              "codec for record batches: none, gzip, snappy, lz4 or zstd")
          .define(RETRIES_CONFIG, Type.INT, Integer.MAX_VALUE, Range.atLeast(0), Importance.HIGH,
              "resend attempts for a failed batch; delivery.timeout.ms bounds them too")
          .define(DELIVERY_TIMEOUT_MS_CONFIG, Type.INT, 120_000, Range.atLeast(0), Importance.MEDIUM,
              "upper bound from send() to success or failure, retries included")
          .define(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, Type.INT, 5, Range.atLeast(1), Importance.LOW,
              "unacknowledged produce requests per broker")
          .define(ENABLE_IDEMPOTENCE_CONFIG, Type.BOOLEAN, true, Importance.LOW,
              "producer id and sequence numbers so retries write each record once, in order")
          .define(MAX_REQUEST_SIZE_CONFIG, Type.INT, 1024 * 1024, Range.atLeast(0), Importance.MEDIUM,
              "largest produce request, and so the largest record, in bytes")
          .define(PARTITIONER_IGNORE_KEYS_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
              "partition keyed records like null-key ones (sticky)");

  private final boolean idempotence;

  public ProducerConfig(Map<?, ?> props) {
    super(DEF, props);
    boolean explicit = isSet(ENABLE_IDEMPOTENCE_CONFIG);
    boolean wanted = getBoolean(ENABLE_IDEMPOTENCE_CONFIG);
    if (wanted && acks() != -1) {
      if (explicit) {
        throw new ConfigException(ACKS_CONFIG, getString(ACKS_CONFIG), "must be all in order to use the idempotent producer (enable.idempotence=true)");
      }
      wanted = false; // as in Kafka: an explicit acks wins over the idempotence default
    }
    if (wanted && getInt(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION) > 5) {
      if (explicit) {
        throw new ConfigException(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, getInt(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), "must be at most 5 to use the idempotent producer");
      }
      wanted = false;
    }
    if (wanted && getInt(RETRIES_CONFIG) == 0) {
      if (explicit) {
        throw new ConfigException(RETRIES_CONFIG, 0, "must be greater than 0 to use the idempotent producer");
      }
      wanted = false;
    }
    this.idempotence = wanted;
    long minDelivery = getLong(LINGER_MS_CONFIG) + getInt(REQUEST_TIMEOUT_MS_CONFIG);
    if (getInt(DELIVERY_TIMEOUT_MS_CONFIG) < minDelivery) {
      throw new ConfigException(DELIVERY_TIMEOUT_MS_CONFIG, getInt(DELIVERY_TIMEOUT_MS_CONFIG),
          "should be equal to or larger than linger.ms + request.timeout.ms (" + minDelivery + ")");
    }
  }

  public ProducerConfig(Properties props) {
    this(toMap(props));
  }

  /** -1 for all, else 0 or 1. */
  public int acks() {
    String acks = getString(ACKS_CONFIG);
    return acks.equals("all") ? -1 : Integer.parseInt(acks);
  }

  public boolean idempotenceEnabled() {
    return idempotence;
  }

  public CompressionType compressionType() {
    return CompressionType.forName(getString(COMPRESSION_TYPE_CONFIG));
  }
}
