package io.weir.client.common.config;

/** Keys shared by producer, consumer and admin, with Kafka's names. */
public final class CommonClientConfigs {
  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
  public static final String CLIENT_ID_CONFIG = "client.id";
  public static final String METADATA_MAX_AGE_CONFIG = "metadata.max.age.ms";
  public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
  public static final String REQUEST_TIMEOUT_MS_CONFIG = "request.timeout.ms";
  public static final String DEFAULT_API_TIMEOUT_MS_CONFIG = "default.api.timeout.ms";

  private CommonClientConfigs() {}

  /** Adds the shared keys with Kafka's defaults. */
  public static ConfigDef withCommon(ConfigDef def, int requestTimeoutMs) {
    return def.define(BOOTSTRAP_SERVERS_CONFIG, ConfigDef.Type.LIST, ConfigDef.NO_DEFAULT, ConfigDef.nonEmptyList())
        .define(CLIENT_ID_CONFIG, ConfigDef.Type.STRING, "")
        .define(METADATA_MAX_AGE_CONFIG, ConfigDef.Type.LONG, 300_000L, ConfigDef.atLeast(0))
        .define(RETRY_BACKOFF_MS_CONFIG, ConfigDef.Type.LONG, 100L, ConfigDef.atLeast(0))
        .define(REQUEST_TIMEOUT_MS_CONFIG, ConfigDef.Type.INT, requestTimeoutMs, ConfigDef.atLeast(0));
  }
}
