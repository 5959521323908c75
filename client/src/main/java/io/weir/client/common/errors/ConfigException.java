package io.weir.client.common.errors;

/** A client configuration value is missing or invalid; the message names the key. */
public class ConfigException extends WeirException {
  public ConfigException(String key, Object value, String reason) {
    super("Invalid value " + value + " for configuration " + key + ": " + reason);
  }

  public ConfigException(String message) {
    super(message);
  }
}
