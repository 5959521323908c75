package io.weir.client.consumer;

import io.weir.client.common.config.AbstractConfig;
import io.weir.client.common.config.CommonClientConfigs;
import io.weir.client.common.config.ConfigDef;
import io.weir.client.common.config.ConfigDef.Type;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Consumer settings with Kafka's names and defaults. */
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
  public static final String GROUP_ID_CONFIG = "group.id";
  public static final String GROUP_INSTANCE_ID_CONFIG = "group.instance.id";
  public static final String SESSION_TIMEOUT_MS_CONFIG = "session.timeout.ms";
  public static final String HEARTBEAT_INTERVAL_MS_CONFIG = "heartbeat.interval.ms";
  public static final String MAX_POLL_INTERVAL_MS_CONFIG = "max.poll.interval.ms";
  public static final String ENABLE_AUTO_COMMIT_CONFIG = "enable.auto.commit";
  public static final String AUTO_COMMIT_INTERVAL_MS_CONFIG = "auto.commit.interval.ms";
  public static final String PARTITION_ASSIGNMENT_STRATEGY_CONFIG = "partition.assignment.strategy";

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
          .define(CHECK_CRCS_CONFIG, Type.BOOLEAN, true)
          .define(GROUP_ID_CONFIG, Type.STRING, "")
          .define(GROUP_INSTANCE_ID_CONFIG, Type.STRING, "")
          .define(SESSION_TIMEOUT_MS_CONFIG, Type.INT, 45_000, ConfigDef.atLeast(1))
          .define(HEARTBEAT_INTERVAL_MS_CONFIG, Type.INT, 3_000, ConfigDef.atLeast(1))
          .define(MAX_POLL_INTERVAL_MS_CONFIG, Type.INT, 300_000, ConfigDef.atLeast(1))
          .define(ENABLE_AUTO_COMMIT_CONFIG, Type.BOOLEAN, true)
          .define(AUTO_COMMIT_INTERVAL_MS_CONFIG, Type.INT, 5_000, ConfigDef.atLeast(0))
          .define(PARTITION_ASSIGNMENT_STRATEGY_CONFIG, Type.LIST, List.of("range", "cooperative-sticky"), ConfigDef.nonEmptyList());

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
