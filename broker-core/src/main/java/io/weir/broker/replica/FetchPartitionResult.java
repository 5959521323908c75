package io.weir.broker.replica;

import io.weir.common.TopicPartition;

/** @param preferredReadReplica a replica in the consumer's rack to fetch from instead, or -1 */
public record FetchPartitionResult(TopicPartition tp, ReadResult read, int preferredReadReplica) {}
