package io.weir.client.consumer;

import io.weir.client.common.config.AbstractConfig;
import io.weir.client.common.config.CommonClientConfigs;
import io.weir.common.config.ConfigDef;
import io.weir.common.config.ConfigDef.Importance;
import io.weir.common.config.ConfigDef.Range;
import io.weir.common.config.ConfigDef.Type;
import io.weir.common.config.ConfigDef.ValidString;
import java.util.Map;
import java.util.Properties;

/** Consumer settings with Kafka's names and defaults (assign mode; group settings come with groups). */
public final class ConsumerConfig extends AbstractConfig {
  public static final String BOOTSTRAP_SERVERS_CONFIG = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
  public static final String CLIENT_ID_CONFIG = CommonClientConfigs.CLIENT_ID_CONFIG;
  public static final String METADATA_MAX_AGE_CONFIG = CommonClientConfigs.METADATA_MAX_AGE_CONFIG;
  public static final String RETRY_BACKOFF_MS_CONFIG = CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG;
  public static final String REQUEST_TIMEOUT_MS_CONFIG = CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG;
  public static final String DEFAULT_API_TIMEOUT_MS_CONFIG = CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG;
  public static final String KEY_DESERIALIZER_CLASS_CONFIG = "key.deserializer";
  public static final String VALUE_DESERIALIZER_CLASS_CONFIG = "value.deserializer";
  public static final String FETCH_MIN_BYTES_CONFIG = "fetch.min.bytes";
  public static final String FETCH_MAX_WAIT_MS_CONFIG = "fetch.max.wait.ms";
  public static final String FETCH_MAX_BYTES_CONFIG = "fetch.max.bytes";
  public static final String MAX_PARTITION_FETCH_BYTES_CONFIG = "max.partition.fetch.bytes";
  public static final String MAX_POLL_RECORDS_CONFIG = "max.poll.records";
  public static final String AUTO_OFFSET_RESET_CONFIG = "auto.offset.reset";
  public static final String CLIENT_RACK_CONFIG = "client.rack";
  public static final String CHECK_CRCS_CONFIG = "check.crcs";

  private static final ConfigDef DEF =
      CommonClientConfigs.withCommon(30_000)
          .define(DEFAULT_API_TIMEOUT_MS_CONFIG, Type.INT, 60_000, Range.atLeast(0), Importance.MEDIUM,
              "bound on blocking consumer calls without a timeout argument")
          .define(KEY_DESERIALIZER_CLASS_CONFIG, Type.STRING, null, Importance.HIGH,
              "Deserializer class for keys (a Deserializer implementation)")
          .define(VALUE_DESERIALIZER_CLASS_CONFIG, Type.STRING, null, Importance.HIGH,
              "Deserializer class for values (a Deserializer implementation)")
          .define(FETCH_MIN_BYTES_CONFIG, Type.INT, 1, Range.atLeast(0), Importance.HIGH,
              "bytes a fetch waits for before the broker answers")
          .define(FETCH_MAX_WAIT_MS_CONFIG, Type.INT, 500, Range.atLeast(0), Importance.LOW,
              "longest a broker holds a fetch waiting for fetch.min.bytes")
          .define(FETCH_MAX_BYTES_CONFIG, Type.INT, 50 * 1024 * 1024, Range.atLeast(0), Importance.MEDIUM,
              "bytes one fetch response may carry")
          .define(MAX_PARTITION_FETCH_BYTES_CONFIG, Type.INT, 1024 * 1024, Range.atLeast(0), Importance.HIGH,
              "bytes one partition may add to a fetch response")
          .define(MAX_POLL_RECORDS_CONFIG, Type.INT, 500, Range.atLeast(1), Importance.MEDIUM,
              "records one poll() returns at most")
          .define(AUTO_OFFSET_RESET_CONFIG, Type.STRING, "latest", ValidString.in("latest", "earliest", "none"), Importance.MEDIUM,
              "where to start without a valid position: earliest, latest or none (fail)")
          .define(CLIENT_RACK_CONFIG, Type.STRING, "", Importance.LOW,
              "the consumer's rack, so a broker can point it at a replica in the same rack")
          .define(CHECK_CRCS_CONFIG, Type.BOOLEAN, true, Importance.LOW,
              "verify each fetched batch's CRC-32C");

  public ConsumerConfig(Map<?, ?> props) {
    super(DEF, props);
  }

  public ConsumerConfig(Properties props) {
    this(toMap(props));
  }

  public OffsetResetStrategy offsetResetStrategy() {
    return OffsetResetStrategy.forConfig(getString(AUTO_OFFSET_RESET_CONFIG));
  }
}
