package io.weir.client.consumer;

import io.weir.client.common.config.AbstractConfig;
import io.weir.client.common.config.CommonClientConfigs;
import io.weir.common.config.ConfigDef;
import io.weir.common.config.ConfigDef.Importance;
import io.weir.common.config.ConfigDef.Range;
import io.weir.common.config.ConfigDef.Type;
import io.weir.common.config.ConfigDef.ValidString;
import java.util.List;
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
  public static final String GROUP_ID_CONFIG = "group.id";
  public static final String GROUP_INSTANCE_ID_CONFIG = "group.instance.id";
  public static final String SESSION_TIMEOUT_MS_CONFIG = "session.timeout.ms";
  public static final String HEARTBEAT_INTERVAL_MS_CONFIG = "heartbeat.interval.ms";
  public static final String MAX_POLL_INTERVAL_MS_CONFIG = "max.poll.interval.ms";
  public static final String ENABLE_AUTO_COMMIT_CONFIG = "enable.auto.commit";
  public static final String AUTO_COMMIT_INTERVAL_MS_CONFIG = "auto.commit.interval.ms";
  public static final String PARTITION_ASSIGNMENT_STRATEGY_CONFIG = "partition.assignment.strategy";

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
              "verify each fetched batch's CRC-32C")
          .define(GROUP_ID_CONFIG, Type.STRING, "", Importance.HIGH,
              "the consumer group; required for subscribe and commits")
          .define(GROUP_INSTANCE_ID_CONFIG, Type.STRING, "", Importance.MEDIUM,
              "a static member's stable identity: a restart within session.timeout.ms causes no rebalance")
          .define(SESSION_TIMEOUT_MS_CONFIG, Type.INT, 45_000, Range.atLeast(1), Importance.HIGH,
              "a member not heard from for this long is removed from the group")
          .define(HEARTBEAT_INTERVAL_MS_CONFIG, Type.INT, 3_000, Range.atLeast(1), Importance.HIGH,
              "time between heartbeats to the group coordinator; below session.timeout.ms")
          .define(MAX_POLL_INTERVAL_MS_CONFIG, Type.INT, 300_000, Range.atLeast(1), Importance.MEDIUM,
              "longest time between polls before the member leaves the group; also its rebalance timeout")
          .define(ENABLE_AUTO_COMMIT_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
              "commit consumed positions from poll every auto.commit.interval.ms")
          .define(AUTO_COMMIT_INTERVAL_MS_CONFIG, Type.INT, 5_000, Range.atLeast(0), Importance.LOW,
              "time between automatic commits")
          .define(PARTITION_ASSIGNMENT_STRATEGY_CONFIG, Type.LIST, List.of("range", "cooperative-sticky"), Importance.MEDIUM,
              "assignors in order of preference: range, roundrobin, sticky, cooperative-sticky");

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
