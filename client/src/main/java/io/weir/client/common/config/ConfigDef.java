package io.weir.client.common.config;

import io.weir.client.common.errors.ConfigException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The keys a client accepts, with types, defaults and validation; built once, then read-only. */
public final class ConfigDef {
  public enum Type {
    STRING,
    INT,
    LONG,
    DOUBLE,
    BOOLEAN,
    LIST,
    CLASS
  }

  /** Marks a key that has no default and must be given. */
  public static final Object NO_DEFAULT = new Object();

  /** Checks a parsed value; throws {@link ConfigException} naming the key. */
  @FunctionalInterface
  public interface Validator {
    void ensureValid(String name, Object value);
  }

  public record Key(String name, Type type, Object defaultValue, Validator validator) {}

  private final Map<String, Key> keys = new LinkedHashMap<>();

  public ConfigDef define(String name, Type type, Object defaultValue, Validator validator) {
    if (keys.putIfAbsent(name, new Key(name, type, defaultValue, validator)) != null) {
      throw new IllegalArgumentException("configuration " + name + " defined twice");
    }
    return this;
  }

  public ConfigDef define(String name, Type type, Object defaultValue) {
    return define(name, type, defaultValue, null);
  }

  public Map<String, Key> keys() {
    return Collections.unmodifiableMap(keys);
  }

  public static Validator atLeast(long min) {
    return (name, value) -> {
      if (value != null && ((Number) value).longValue() < min) {
        throw new ConfigException(name, value, "must be at least " + min);
      }
    };
  }

  public static Validator between(long min, long max) {
    return (name, value) -> {
      long v = ((Number) value).longValue();
      if (v < min || v > max) {
        throw new ConfigException(name, value, "must be between " + min + " and " + max);
      }
    };
  }

  public static Validator oneOf(String... allowed) {
    List<String> list = Arrays.asList(allowed);
    return (name, value) -> {
      if (!list.contains(value)) {
        throw new ConfigException(name, value, "must be one of " + String.join(", ", list));
      }
    };
  }

  public static Validator nonEmptyList() {
    return (name, value) -> {
      if (((List<?>) value).isEmpty()) {
        throw new ConfigException(name, value, "must not be empty");
      }
    };
  }

  /** Parses one raw value (a String from Properties, or an already typed object). */
  static Object parse(Key key, Object raw) {
    String name = key.name();
    if (raw == null) {
      return null;
    }
    try {
      switch (key.type()) {
        case STRING:
          if (raw instanceof String s) {
            return s.trim();
          }
          throw new ConfigException(name, raw, "expected a string");
        case INT:
          if (raw instanceof Integer i) {
            return i;
          }
          if (raw instanceof String s) {
            return Integer.parseInt(s.trim());
          }
          throw new ConfigException(name, raw, "expected an int");
        case LONG:
          if (raw instanceof Integer i) {
            return i.longValue();
          }
          if (raw instanceof Long l) {
            return l;
          }
          if (raw instanceof String s) {
            return Long.parseLong(s.trim());
          }
          throw new ConfigException(name, raw, "expected a long");
        case DOUBLE:
          if (raw instanceof Number n) {
            return n.doubleValue();
          }
          if (raw instanceof String s) {
            return Double.parseDouble(s.trim());
          }
          throw new ConfigException(name, raw, "expected a double");
        case BOOLEAN:
          if (raw instanceof Boolean b) {
            return b;
          }
          if (raw instanceof String s) {
            String t = s.trim().toLowerCase();
            if (t.equals("true") || t.equals("false")) {
              return Boolean.parseBoolean(t);
            }
          }
          throw new ConfigException(name, raw, "expected true or false");
        case LIST:
          if (raw instanceof List<?> l) {
            return List.copyOf(l);
          }
          if (raw instanceof String s) {
            return s.isBlank()
                ? List.of()
                : Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
          }
          throw new ConfigException(name, raw, "expected a comma-separated list");
        case CLASS:
          if (raw instanceof Class<?> c) {
            return c;
          }
          if (raw instanceof String s) {
            try {
              return Class.forName(s.trim(), true, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e) {
              throw new ConfigException(name, raw, "class not found");
            }
          }
          throw new ConfigException(name, raw, "expected a class or class name");
        default:
          throw new IllegalStateException("unknown type " + key.type());
      }
    } catch (NumberFormatException e) {
      throw new ConfigException(name, raw, "not a number");
    }
  }
}
