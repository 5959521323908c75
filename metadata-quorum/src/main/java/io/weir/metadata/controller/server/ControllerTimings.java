package io.weir.metadata.controller.server;

import java.util.Map;

/**
 * How often the active controller runs its periodic work.
 *
 * @param fenceCheckIntervalMs how often brokers past {@code broker.session.timeout.ms} are fenced (Kafka
 *     checks about every second)
 * @param leaderImbalanceCheckIntervalMs {@code leader.imbalance.check.interval.seconds} in ms (300 s):
 *     how often preferred leaders are restored when {@code auto.leader.rebalance.enable} is on
 */
public record ControllerTimings(long fenceCheckIntervalMs, long leaderImbalanceCheckIntervalMs) {
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    public static final ControllerTimings DEFAULTS = new ControllerTimings(1000, 300_000);

    public ControllerTimings {
        if (fenceCheckIntervalMs <= 0) {
            throw new IllegalArgumentException("fence check interval must be positive, was " + fenceCheckIntervalMs);
        }
        if (leaderImbalanceCheckIntervalMs <= 0) {
            throw new IllegalArgumentException("Invalid value " + leaderImbalanceCheckIntervalMs / 1000
                    + " for configuration " + LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS + ": must be positive");
        }
    }

    public static ControllerTimings fromProperties(Map<String, String> props) {
        String v = props.get(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS);
        if (v == null) {
            return DEFAULTS;
        }
        long seconds;
        try {
            seconds = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid value " + v + " for configuration "
                    + LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS + ": not a number", e);
        }
        if (seconds <= 0 || seconds > Long.MAX_VALUE / 1000) {
            throw new IllegalArgumentException("Invalid value " + v + " for configuration "
                    + LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS + ": must be a positive number of seconds");
        }
        return new ControllerTimings(DEFAULTS.fenceCheckIntervalMs, seconds * 1000);
    }
}
