package io.weir.client.consumer;

import io.weir.broker.BrokerConfig;
import io.weir.broker.group.GroupConfig;
import java.util.Map;

/** Short group timeouts so rebalances and session expiries take about a second. */
final class GroupTestConfig {
  static final int SESSION_TIMEOUT_MS = 1_500;

  private GroupTestConfig() {}

  static BrokerConfig broker(int id, int offsetsPartitions) {
    GroupConfig group = new GroupConfig(offsetsPartitions, (short) 3, GroupConfig.DEFAULTS.offsetsRetentionMs(),
        GroupConfig.DEFAULTS.offsetsRetentionCheckIntervalMs(), 500, 60_000, 0, 5_000);
    return BrokerConfig.builder(id).groupConfig(group).build();
  }

  static Map<String, Object> consumerProps() {
    return Map.of(
        "session.timeout.ms", String.valueOf(SESSION_TIMEOUT_MS),
        "heartbeat.interval.ms", "200",
        "max.poll.interval.ms", "10000",
        "metadata.max.age.ms", "1000",
        "fetch.max.wait.ms", "100");
  }
}
