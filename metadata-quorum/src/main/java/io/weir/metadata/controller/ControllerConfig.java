package io.weir.metadata.controller;

import java.util.Locale;
import java.util.Map;

/**
 * The controller's static settings, under Kafka's key names and defaults.
 * Topic-level settings here ({@code unclean.leader.election.enable}) are the
 * defaults a topic override or a dynamic cluster default replaces.
 */
public record ControllerConfig(
        long brokerSessionTimeoutMs,
        int numPartitions,
        short defaultReplicationFactor,
        boolean autoLeaderRebalanceEnable,
        int leaderImbalancePerBrokerPercentage,
        boolean uncleanLeaderElectionEnable) {

    public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    public static final String LEADER_IMBALANCE_PER_BROKER_PERCENTAGE = "leader.imbalance.per.broker.percentage";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    public static final ControllerConfig DEFAULTS = new ControllerConfig(9000, 1, (short) 1, true, 10, false);

    public ControllerConfig {
        require(brokerSessionTimeoutMs > 0, BROKER_SESSION_TIMEOUT_MS, brokerSessionTimeoutMs, "must be positive");
        require(numPartitions > 0, NUM_PARTITIONS, numPartitions, "must be positive");
        require(defaultReplicationFactor > 0, DEFAULT_REPLICATION_FACTOR, defaultReplicationFactor,
                "must be positive");
        require(leaderImbalancePerBrokerPercentage >= 0 && leaderImbalancePerBrokerPercentage <= 100,
                LEADER_IMBALANCE_PER_BROKER_PERCENTAGE, leaderImbalancePerBrokerPercentage,
                "must be between 0 and 100");
    }

    /**
     * Reads the controller keys from server properties; other keys are left to
     * their owners. A bad value throws naming the key and the reason.
     */
    public static ControllerConfig fromProperties(Map<String, String> props) {
        return new ControllerConfig(
                parseLong(props, BROKER_SESSION_TIMEOUT_MS, DEFAULTS.brokerSessionTimeoutMs, Long.MAX_VALUE),
                (int) parseLong(props, NUM_PARTITIONS, DEFAULTS.numPartitions, Integer.MAX_VALUE),
                (short) parseLong(props, DEFAULT_REPLICATION_FACTOR, DEFAULTS.defaultReplicationFactor,
                        Short.MAX_VALUE),
                parseBoolean(props, AUTO_LEADER_REBALANCE_ENABLE, DEFAULTS.autoLeaderRebalanceEnable),
                (int) parseLong(props, LEADER_IMBALANCE_PER_BROKER_PERCENTAGE,
                        DEFAULTS.leaderImbalancePerBrokerPercentage, Integer.MAX_VALUE),
                parseBoolean(props, UNCLEAN_LEADER_ELECTION_ENABLE, DEFAULTS.uncleanLeaderElectionEnable));
    }

    /** Parses a number that must fit the field's type ({@code -max-1..max}); the constructor checks the rest. */
    private static long parseLong(Map<String, String> props, String key, long dflt, long max) {
        String v = props.get(key);
        if (v == null) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value " + v + " for configuration " + key
                    + ": not a number", e);
        }
        if (n > max || n < -max - 1) {
            throw new IllegalArgumentException("Invalid value " + v + " for configuration " + key + ": out of range");
        }
        return n;
    }

    private static boolean parseBoolean(Map<String, String> props, String key, boolean dflt) {
        String v = props.get(key);
        if (v == null) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("Invalid value " + v + " for configuration " + key
                    + ": expected true or false");
        };
    }

    private static void require(boolean ok, String key, long value, String reason) {
        if (!ok) {
            throw new IllegalArgumentException("Invalid value " + value + " for configuration " + key + ": " + reason);
        }
    }
}
