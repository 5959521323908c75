package io.weir.metadata.controller;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One topic-level config: Kafka's name, type, default, the rule its values
 * must follow, and the broker-level key that sets the cluster-wide default.
 */
public record TopicConfigDef(String name, Type type, String defaultValue, Rule rule, String brokerSynonym) {
    public enum Type { BOOLEAN, INT, LONG, DOUBLE, STRING, LIST }

    /** A value constraint; {@link #check} returns the reason a value is refused, or null. */
    public sealed interface Rule {
        String check(Object parsed);
    }

    public record AnyValue() implements Rule {
        @Override
        public String check(Object parsed) {
            return null;
        }
    }

    public record Range(double min, double max) implements Rule {
        @Override
        public String check(Object parsed) {
            double d = ((Number) parsed).doubleValue();
            if (d < min) {
                return max == Double.MAX_VALUE
                        ? "Value must be at least " + format(min)
                        : "Value must be between " + format(min) + " and " + format(max);
            }
            if (d > max) {
                return "Value must be no more than " + format(max);
            }
            return null;
        }

        private static String format(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }

    public record OneOf(Set<String> allowed) implements Rule {
        public OneOf {
            allowed = Set.copyOf(allowed);
        }

        @Override
        public String check(Object parsed) {
            @SuppressWarnings("unchecked")
            List<String> values = parsed instanceof List<?> ? (List<String>) parsed : List.of((String) parsed);
            for (String v : values) {
                if (!allowed.contains(v)) {
                    return "String must be one of: " + String.join(", ", new TreeSet<>(allowed));
                }
            }
            return null;
        }
    }

    public TopicConfigDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(brokerSynonym, "brokerSynonym");
    }

    /**
     * Checks {@code value} against this config's type and rule; returns Kafka's
     * "Invalid value V for configuration K: reason" message, or null when valid.
     */
    public String validate(String value) {
        return validate(name, value);
    }

    /** As {@link #validate(String)}, naming {@code key} (e.g. the broker-level synonym the user wrote). */
    public String validate(String key, String value) {
        Object parsed;
        try {
            parsed = parse(value);
        } catch (IllegalArgumentException e) {
            return invalid(key, value, e.getMessage());
        }
        String reason = rule.check(parsed);
        return reason == null ? null : invalid(key, value, reason);
    }

    private static String invalid(String key, String value, String reason) {
        return "Invalid value " + value + " for configuration " + key + ": " + reason;
    }

    private Object parse(String value) {
        String v = value.trim();
        try {
            return switch (type) {
                case BOOLEAN -> switch (v.toLowerCase(Locale.ROOT)) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw new IllegalArgumentException("Expected value to be either true or false");
                };
                case INT -> Integer.parseInt(v);
                case LONG -> Long.parseLong(v);
                case DOUBLE -> Double.parseDouble(v);
                case STRING -> v;
                case LIST -> splitList(v);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a number of type " + type);
        }
    }

    static List<String> splitList(String v) {
        if (v.isBlank()) {
            return List.of();
        }
        return List.of(v.trim().split("\\s*,\\s*"));
    }
}
