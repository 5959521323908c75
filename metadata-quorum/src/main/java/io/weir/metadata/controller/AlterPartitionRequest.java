package io.weir.metadata.controller;

import java.util.List;

/**
 * A partition leader asking to change the ISR. It carries the leader epoch and
 * partition epoch it last saw, so a request based on stale state is refused.
 */
public record AlterPartitionRequest(int brokerId, long brokerEpoch, String topicId, int partition,
                                    int leaderEpoch, int partitionEpoch, List<Integer> newIsr) {
    public AlterPartitionRequest {
        newIsr = List.copyOf(newIsr);
    }
}
