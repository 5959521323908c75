package io.weir.common.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parsed, validated values of a {@link ConfigDef}, with the original properties they came from.
 * Immutable.
 */
public final class Config {
  private final ConfigDef definition;
  private final Map<String, Object> values;
  private final Map<String, String> originals;

  /**
   * @throws ConfigException naming the first key that is missing or invalid
   */
  public Config(ConfigDef definition, Map<String, ?> props) {
    this.definition = definition;
    this.values = Collections.unmodifiableMap(definition.parse(props));
    Map<String, String> copy = new TreeMap<>();
    props.forEach((k, v) -> copy.put(k, v == null ? null : String.valueOf(v)));
    this.originals = Collections.unmodifiableMap(copy);
  }

  public ConfigDef definition() {
    return definition;
  }

  /** Every property given, declared or not, as strings. */
  public Map<String, String> originals() {
    return originals;
  }

  /** Given properties this definition does not declare: a caller may warn about them. */
  public Set<String> unknownKeys() {
    return definition.unknownKeys(originals);
  }

  public Object get(String name) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException("configuration " + name + " is not defined");
    }
    return values.get(name);
  }

  public int getInt(String name) {
    return (Integer) get(name);
  }

  public long getLong(String name) {
    return (Long) get(name);
  }

  public double getDouble(String name) {
    return (Double) get(name);
  }

  public boolean getBoolean(String name) {
    return (Boolean) get(name);
  }

  public String getString(String name) {
    return (String) get(name);
  }

  @SuppressWarnings("unchecked")
  public List<String> getList(String name) {
    return (List<String>) get(name);
  }
}
