package io.weir.client.common.config;

import io.weir.common.config.Config;
import io.weir.common.config.ConfigDef;
import io.weir.common.config.ConfigException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's parsed, validated settings over common's {@link ConfigDef}; unknown keys are warned,
 * as Kafka's clients do. Class-valued keys (serializers) are class names; a {@link Class} given in
 * a map is taken by name. Immutable.
 */
public abstract class AbstractConfig {
  private static final Logger log = LoggerFactory.getLogger(AbstractConfig.class);

  private final Config config;
  private final Map<String, Object> originals;

  protected AbstractConfig(ConfigDef def, Map<?, ?> props) {
    Map<String, Object> given = new HashMap<>();
    props.forEach((k, v) -> {
      if (!(k instanceof String key)) {
        throw new ConfigException("configuration keys must be strings, got " + k);
      }
      given.put(key, v instanceof Class<?> c ? c.getName() : v);
    });
    this.originals = Map.copyOf(given);
    this.config = new Config(def, given);
    for (String unknown : config.unknownKeys()) {
      log.warn("The configuration '{}' was supplied but isn't a known config.", unknown);
    }
  }

  protected static Map<?, ?> toMap(Properties props) {
    Map<Object, Object> map = new HashMap<>();
    for (String name : props.stringPropertyNames()) {
      map.put(name, props.getProperty(name));
    }
    return map;
  }

  /** Every property given, as given (classes as names), for serializers' {@code configure}. */
  public Map<String, Object> originals() {
    return originals;
  }

  public int getInt(String key) {
    return config.getInt(key);
  }

  public long getLong(String key) {
    return config.getLong(key);
  }

  public boolean getBoolean(String key) {
    return config.getBoolean(key);
  }

  public String getString(String key) {
    return config.getString(key);
  }

  public List<String> getList(String key) {
    return config.getList(key);
  }

  public boolean isSet(String key) {
    return originals.containsKey(key);
  }

  /** A new instance of the class named under {@code key}, or null when the key is unset. */
  public <T> T getConfiguredInstance(String key, Class<T> type) {
    String name = getString(key);
    if (name == null || name.isEmpty()) {
      return null;
    }
    try {
      Class<?> c = Class.forName(name, true, Thread.currentThread().getContextClassLoader());
      if (!type.isAssignableFrom(c)) {
        throw new ConfigException(key, name, "is not a " + type.getName());
      }
      return type.cast(c.getDeclaredConstructor().newInstance());
    } catch (ClassNotFoundException e) {
      throw new ConfigException(key, name, "class not found");
    } catch (ReflectiveOperationException e) {
      throw new ConfigException(key, name, "could not be instantiated: " + e);
    }
  }
}
