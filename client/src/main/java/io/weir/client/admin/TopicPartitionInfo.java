package io.weir.client.admin;

import io.weir.client.common.Node;
import java.util.List;

/** A partition's leader (null when none) and replicas; unknown brokers appear with only their id. */
public record TopicPartitionInfo(int partition, Node leader, int leaderEpoch, List<Node> replicas, List<Node> isr, List<Node> offlineReplicas) {}
