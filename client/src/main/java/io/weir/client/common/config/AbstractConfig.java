package io.weir.client.common.config;

import io.weir.client.common.errors.ConfigException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Parsed, validated client settings; immutable after construction. Unknown keys are warned. */
public abstract class AbstractConfig {
  private static final Logger log = LoggerFactory.getLogger(AbstractConfig.class);

  private final Map<String, Object> values = new HashMap<>(); // written only in the constructor
  private final Map<String, Object> originals;

  protected AbstractConfig(ConfigDef def, Map<?, ?> props) {
    Map<String, Object> given = new HashMap<>();
    props.forEach(
        (k, v) -> {
          if (!(k instanceof String key)) {
            throw new ConfigException("configuration keys must be strings, got " + k);
          }
          given.put(key, v);
        });
    this.originals = Map.copyOf(given);
    for (ConfigDef.Key key : def.keys().values()) {
      Object value;
      if (given.containsKey(key.name())) {
        value = ConfigDef.parse(key, given.get(key.name()));
      } else if (key.defaultValue() == ConfigDef.NO_DEFAULT) {
        throw new ConfigException(
            "Missing required configuration \"" + key.name() + "\" which has no default value.");
      } else {
        value = ConfigDef.parse(key, key.defaultValue());
      }
      if (key.validator() != null) {
        key.validator().ensureValid(key.name(), value);
      }
      values.put(key.name(), value);
    }
    for (String name : given.keySet()) {
      if (!def.keys().containsKey(name)) {
        log.warn("The configuration '{}' was supplied but isn't a known config.", name);
      }
    }
  }

  protected static Map<?, ?> toMap(Properties props) {
    Map<Object, Object> map = new HashMap<>();
    for (String name : props.stringPropertyNames()) {
      map.put(name, props.getProperty(name));
    }
    return map;
  }

  public Map<String, Object> originals() {
    return originals;
  }

  public int getInt(String key) {
    return (Integer) get(key);
  }

  public long getLong(String key) {
    return (Long) get(key);
  }

  public double getDouble(String key) {
    return (Double) get(key);
  }

  public boolean getBoolean(String key) {
    return (Boolean) get(key);
  }

  public String getString(String key) {
    return (String) get(key);
  }

  @SuppressWarnings("unchecked")
  public List<String> getList(String key) {
    return (List<String>) get(key);
  }

  public Class<?> getClass(String key) {
    return (Class<?>) get(key);
  }

  public boolean isSet(String key) {
    return originals.containsKey(key);
  }

  private Object get(String key) {
    if (!values.containsKey(key)) {
      throw new ConfigException("unknown configuration " + key);
    }
    return values.get(key);
  }

  /** An instance of the class configured under {@code key}, or null when the key is unset. */
  public <T> T getConfiguredInstance(String key, Class<T> type) {
    Class<?> c = getClass(key);
    if (c == null) {
      return null;
    }
    if (!type.isAssignableFrom(c)) {
      throw new ConfigException(key, c.getName(), "is not a " + type.getName());
    }
    try {
      return type.cast(c.getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new ConfigException(key, c.getName(), "could not be instantiated: " + e);
    }
  }
}
