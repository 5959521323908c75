package io.weir.client.admin;

import io.weir.client.common.config.AbstractConfig;
import io.weir.client.common.config.CommonClientConfigs;
import io.weir.common.config.ConfigDef;
import io.weir.common.config.ConfigDef.Importance;
import io.weir.common.config.ConfigDef.Range;
import java.util.Map;
import java.util.Properties;

/** Admin client settings with Kafka's names and defaults. */
public final class AdminClientConfig extends AbstractConfig {
  public static final String BOOTSTRAP_SERVERS_CONFIG = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
  public static final String DEFAULT_API_TIMEOUT_MS_CONFIG = CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG;
  public static final String REQUEST_TIMEOUT_MS_CONFIG = CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG;
  public static final String RETRY_BACKOFF_MS_CONFIG = CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG;
  public static final String METADATA_MAX_AGE_CONFIG = CommonClientConfigs.METADATA_MAX_AGE_CONFIG;

  private static final ConfigDef DEF =
      CommonClientConfigs.withCommon(30_000)
          .define(DEFAULT_API_TIMEOUT_MS_CONFIG, ConfigDef.Type.INT, 60_000, Range.atLeast(0), Importance.MEDIUM,
              "the bound on an admin call, retries included");

  public AdminClientConfig(Map<?, ?> props) {
    super(DEF, props);
  }

  public AdminClientConfig(Properties props) {
    this(toMap(props));
  }
}
