package io.weir.client.common.config;

import io.weir.common.config.ConfigDef;
import io.weir.common.config.ConfigDef.Importance;
import io.weir.common.config.ConfigDef.Range;
import io.weir.common.config.ConfigDef.Type;
import io.weir.common.config.ConfigException;
import java.util.List;

/** Keys shared by producer, consumer and admin, with Kafka's names and defaults. */
public final class CommonClientConfigs {
  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
  public static final String CLIENT_ID_CONFIG = "client.id";
  public static final String METADATA_MAX_AGE_CONFIG = "metadata.max.age.ms";
  public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
  public static final String REQUEST_TIMEOUT_MS_CONFIG = "request.timeout.ms";
  public static final String DEFAULT_API_TIMEOUT_MS_CONFIG = "default.api.timeout.ms";

  private CommonClientConfigs() {}

  private static final ConfigDef.Validator NON_EMPTY_LIST = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      if (((List<?>) value).isEmpty()) {
        throw new ConfigException(name, value, "must not be empty");
      }
    }

    @Override
    public String describe() {
      return "non-empty list";
    }
  };

  /** A fresh definition holding the shared keys. */
  public static ConfigDef withCommon(int requestTimeoutMs) {
    return new ConfigDef()
        .define(BOOTSTRAP_SERVERS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT, NON_EMPTY_LIST, Importance.HIGH,
            "host:port of any brokers; one that answers is enough to learn the whole cluster")
        .define(CLIENT_ID_CONFIG, Type.STRING, "", Importance.LOW, "a name for the client in thread names and logs")
        .define(METADATA_MAX_AGE_CONFIG, Type.LONG, 300_000L, Range.atLeast(0), Importance.LOW,
            "refresh metadata at least this often even without errors")
        .define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, 100L, Range.atLeast(0), Importance.LOW,
            "wait between retries of a failed request")
        .define(REQUEST_TIMEOUT_MS_CONFIG, Type.INT, requestTimeoutMs, Range.atLeast(0), Importance.MEDIUM,
            "how long to wait for a response before retrying or failing");
  }
}
