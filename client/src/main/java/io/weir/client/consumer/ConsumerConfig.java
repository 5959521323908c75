package io.weir.client.consumer;

import io.weir.client.common.config.AbstractConfig;
import io.weir.client.common.config.CommonClientConfigs;
import io.weir.client.common.config.ConfigDef;
import io.weir.client.common.config.ConfigDef.Type;
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
      CommonClientConfigs.withCommon(new ConfigDef(), 30_000)
          .define(DEFAULT_API_TIMEOUT_MS_CONFIG, Type.INT, 60_000, ConfigDef.atLeast(0))
          .define(KEY_DESERIALIZER_CLASS_CONFIG, Type.CLASS, null)
          .define(VALUE_DESERIALIZER_CLASS_CONFIG, Type.CLASS, null)
          .define(FETCH_MIN_BYTES_CONFIG, Type.INT, 1, ConfigDef.atLeast(0))
          .define(FETCH_MAX_WAIT_MS_CONFIG, Type.INT, 500, ConfigDef.atLeast(0))
          .define(FETCH_MAX_BYTES_CONFIG, Type.INT, 50 * 1024 * 1024, ConfigDef.atLeast(0))
          .define(MAX_PARTITION_FETCH_BYTES_CONFIG, Type.INT, 1024 * 1024, ConfigDef.atLeast(0))
          .define(MAX_POLL_RECORDS_CONFIG, Type.INT, 500, ConfigDef.atLeast(1))
          .define(AUTO_OFFSET_RESET_CONFIG, Type.STRING, "latest", ConfigDef.oneOf("latest", "earliest", "none"))
          .define(CLIENT_RACK_CONFIG, Type.STRING, "")
          .define(CHECK_CRCS_CONFIG, Type.BOOLEAN, true);

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
