package io.weir.metadata.controller;

import java.util.Collection;

/** Kafka's rules for topic names. */
public final class TopicNames {
    public static final int MAX_NAME_LENGTH = 249;

    public static final String COLLISION_WARNING = "WARNING: Due to limitations in metric names, topics with a"
            + " period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.";

    private TopicNames() {
    }

    /** Why {@code name} is not a legal topic name, or null when it is. */
    public static String invalidReason(String name) {
        if (name == null || name.isEmpty()) {
            return "Topic name is illegal, it can't be empty";
        }
        if (name.equals(".") || name.equals("..")) {
            return "Topic name cannot be \".\" or \"..\"";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "Topic name is illegal, it can't be longer than " + MAX_NAME_LENGTH
                    + " characters, topic name: " + name;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean legal = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == '-';
            if (!legal) {
                return "Topic name \"" + name + "\" is illegal, it contains a character other than"
                        + " ASCII alphanumerics, '.', '_' and '-'";
            }
        }
        return null;
    }

    /** Metrics replace '.' by '_', so names that differ only there share metric names. */
    public static boolean hasCollisionChars(String name) {
        return name.indexOf('.') >= 0 || name.indexOf('_') >= 0;
    }

    public static String unifyCollisionChars(String name) {
        return name.replace('.', '_');
    }

    /** An existing name that collides with {@code name} through '.'/'_', or null. */
    public static String collidingName(String name, Collection<String> existing) {
        if (!hasCollisionChars(name)) {
            return null;
        }
        String unified = unifyCollisionChars(name);
        for (String other : existing) {
            if (!other.equals(name) && unifyCollisionChars(other).equals(unified)) {
                return other;
            }
        }
        return null;
    }
}
