package io.weir.broker.replica;

import io.weir.common.TopicPartition;

/** One partition of a fetch request; epochs are -1 when not given. */
public record FetchPartition(
    TopicPartition tp,
    long fetchOffset,
    int currentLeaderEpoch,
    int lastFetchedEpoch,
    int maxBytes) {}
