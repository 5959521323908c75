package io.weir.common.config;

/** A configuration value that is missing, malformed or out of range; the message names the key. */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String name, Object value, String reason) {
    super("Invalid value " + value + " for configuration " + name + (reason == null ? "" : ": " + reason));
  }
}
