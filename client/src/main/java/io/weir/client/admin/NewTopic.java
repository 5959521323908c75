package io.weir.client.admin;

import java.util.Map;

/** A topic to create; -1 partitions or replication factor takes the cluster's default. */
public record NewTopic(String name, int numPartitions, int replicationFactor, Map<String, String> configs) {
  public NewTopic {
    configs = Map.copyOf(configs);
  }
}
