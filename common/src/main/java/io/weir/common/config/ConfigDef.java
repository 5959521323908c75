package io.weir.common.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Declarations of configuration keys: each key once, with its type, default, validator and
 * documentation, as Kafka's {@code ConfigDef} does. A definition parses a property map into typed
 * values, names the key of any bad value, lists keys it does not know, and renders itself as the
 * reference documentation. Built once at startup and not changed afterwards; not thread-safe while
 * being built.
 */
public final class ConfigDef {

  /** Marks a key that must be given: it has no default. */
  public static final Object NO_DEFAULT = new Object() {
    @Override
    public String toString() {
      return "(required)";
    }
  };

  public enum Type {
    BOOLEAN,
    INT,
    LONG,
    DOUBLE,
    STRING,
    /** Comma-separated values, trimmed; an empty string is an empty list. */
    LIST,
    /** A string never printed in logs or documentation defaults. */
    PASSWORD
  }

  public enum Importance {
    HIGH,
    MEDIUM,
    LOW
  }

  /** Checks a parsed value; {@link #describe()} says what is accepted, for the documentation. */
  public interface Validator {
    void ensureValid(String name, Object value);

    String describe();
  }

  /** One declared key. */
  public record Key(
      String name,
      Type type,
      Object defaultValue,
      Validator validator,
      Importance importance,
      String documentation) {

    public boolean hasDefault() {
      return defaultValue != NO_DEFAULT;
    }
  }

  private final Map<String, Key> keys = new LinkedHashMap<>();

  public ConfigDef define(
      String name, Type type, Object defaultValue, Validator validator, Importance importance, String doc) {
    Objects.requireNonNull(name, "name");
    if (keys.containsKey(name)) {
      throw new IllegalStateException("configuration " + name + " is defined twice");
    }
    Object parsedDefault = defaultValue == NO_DEFAULT || defaultValue == null
        ? defaultValue
        : parseValue(name, type, defaultValue);
    if (validator != null && parsedDefault != NO_DEFAULT && parsedDefault != null) {
      validator.ensureValid(name, parsedDefault);
    }
    keys.put(name, new Key(name, type, parsedDefault, validator, importance, doc));
    return this;
  }

  public ConfigDef define(String name, Type type, Object defaultValue, Importance importance, String doc) {
    return define(name, type, defaultValue, null, importance, doc);
  }

  /** Adds every key of {@code other}; a key defined in both is a programming error. */
  public ConfigDef withAll(ConfigDef other) {
    for (Key key : other.keys.values()) {
      if (keys.containsKey(key.name())) {
        throw new IllegalStateException("configuration " + key.name() + " is defined twice");
      }
      keys.put(key.name(), key);
    }
    return this;
  }

  public Map<String, Key> keys() {
    return Collections.unmodifiableMap(keys);
  }

  /**
   * Parses every declared key from {@code props} (values are strings or already-typed objects),
   * filling in defaults. Keys not declared here are left out; see {@link #unknownKeys}.
   *
   * @throws ConfigException naming the first key that is missing or invalid
   */
  public Map<String, Object> parse(Map<String, ?> props) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Key key : keys.values()) {
      Object value;
      if (props.containsKey(key.name())) {
        value = parseValue(key.name(), key.type(), props.get(key.name()));
      } else if (key.hasDefault()) {
        value = key.defaultValue();
      } else {
        throw new ConfigException(
            "Missing required configuration \"" + key.name() + "\" which has no default value.");
      }
      if (key.validator() != null && value != null) {
        key.validator().ensureValid(key.name(), value);
      }
      values.put(key.name(), value);
    }
    return values;
  }

  /** The keys of {@code props} that this definition does not declare, sorted. */
  public Set<String> unknownKeys(Map<String, ?> props) {
    Set<String> unknown = new TreeSet<>(props.keySet());
    unknown.removeAll(keys.keySet());
    return unknown;
  }

  static Object parseValue(String name, Type type, Object value) {
    if (value == null) {
      return null;
    }
    String s = value instanceof String str ? str.trim() : null;
    try {
      switch (type) {
        case BOOLEAN:
          if (value instanceof Boolean) {
            return value;
          }
          if ("true".equalsIgnoreCase(s)) {
            return true;
          }
          if ("false".equalsIgnoreCase(s)) {
            return false;
          }
          throw new ConfigException(name, value, "Expected value to be either true or false");
        case INT:
          if (value instanceof Integer) {
            return value;
          }
          return s != null ? Integer.parseInt(s) : Math.toIntExact(((Number) value).longValue());
        case LONG:
          if (value instanceof Long) {
            return value;
          }
          return s != null ? Long.parseLong(s) : ((Number) value).longValue();
        case DOUBLE:
          return s != null ? Double.parseDouble(s) : ((Number) value).doubleValue();
        case STRING:
        case PASSWORD:
          if (s == null) {
            throw new ConfigException(name, value, "Expected value to be a string");
          }
          return s;
        case LIST:
          if (value instanceof List<?> list) {
            return List.copyOf(list.stream().map(String::valueOf).toList());
          }
          if (s == null) {
            throw new ConfigException(name, value, "Expected a comma-separated list");
          }
          return s.isEmpty()
              ? List.of()
              : Arrays.stream(s.split(",")).map(String::trim).toList();
        default:
          throw new IllegalStateException("unknown type " + type);
      }
    } catch (NumberFormatException | ClassCastException | ArithmeticException e) {
      throw new ConfigException(name, value, "Not a number of type " + type);
    }
  }

  /**
   * The reference documentation: one row per key, sorted by importance then name. Passwords'
   * defaults are not shown.
   */
  public String toMarkdownTable() {
    List<Key> sorted = new ArrayList<>(keys.values());
    sorted.sort((a, b) -> a.importance() != b.importance()
        ? a.importance().compareTo(b.importance())
        : a.name().compareTo(b.name()));
    StringBuilder out = new StringBuilder();
    out.append("| key | type | default | valid values | importance | description |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (Key key : sorted) {
      out.append("| `").append(key.name()).append("` | ")
          .append(key.type().name().toLowerCase(Locale.ROOT)).append(" | ")
          .append(describeDefault(key)).append(" | ")
          .append(key.validator() == null ? "" : escape(key.validator().describe())).append(" | ")
          .append(key.importance().name().toLowerCase(Locale.ROOT)).append(" | ")
          .append(escape(key.documentation())).append(" |\n");
    }
    return out.toString();
  }

  private static String describeDefault(Key key) {
    if (!key.hasDefault()) {
      return "(required)";
    }
    if (key.type() == Type.PASSWORD) {
      return "(hidden)";
    }
    Object v = key.defaultValue();
    if (v == null) {
      return "null";
    }
    if (v instanceof List<?> list) {
      return list.isEmpty() ? "\"\"" : "`" + String.join(",", list.stream().map(String::valueOf).toList()) + "`";
    }
    return "`" + v + "`";
  }

  private static String escape(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }

  /** Numeric bounds, inclusive; either end may be open. */
  public record Range(Number min, Number max) implements Validator {
    public static Range atLeast(Number min) {
      return new Range(min, null);
    }

    public static Range between(Number min, Number max) {
      return new Range(min, max);
    }

    @Override
    public void ensureValid(String name, Object value) {
      double v = ((Number) value).doubleValue();
      if (min != null && v < min.doubleValue()) {
        throw new ConfigException(name, value, "Value must be at least " + min);
      }
      if (max != null && v > max.doubleValue()) {
        throw new ConfigException(name, value, "Value must be no more than " + max);
      }
    }

    @Override
    public String describe() {
      if (max == null) {
        return "[" + min + ",...]";
      }
      return "[" + (min == null ? "..." : min) + ",...," + max + "]";
    }
  }

  /** One of a fixed set of strings (case-sensitive, as Kafka's). */
  public record ValidString(List<String> allowed) implements Validator {
    public static ValidString in(String... allowed) {
      return new ValidString(List.of(allowed));
    }

    @Override
    public void ensureValid(String name, Object value) {
      if (!allowed.contains(value)) {
        throw new ConfigException(name, value, "String must be one of: " + String.join(", ", allowed));
      }
    }

    @Override
    public String describe() {
      return "[" + String.join(", ", allowed) + "]";
    }
  }

  /** Every element of a list is one of a fixed set, and the list is not empty. */
  public record ValidList(List<String> allowed) implements Validator {
    public static ValidList in(String... allowed) {
      return new ValidList(List.of(allowed));
    }

    @Override
    public void ensureValid(String name, Object value) {
      List<?> list = (List<?>) value;
      if (list.isEmpty()) {
        throw new ConfigException(name, value, "Empty list not allowed");
      }
      for (Object element : list) {
        if (!allowed.contains(element)) {
          throw new ConfigException(
              name, value, "Invalid value " + element + "; valid values are " + String.join(", ", allowed));
        }
      }
    }

    @Override
    public String describe() {
      return "[" + String.join(", ", allowed) + "]";
    }
  }
}
