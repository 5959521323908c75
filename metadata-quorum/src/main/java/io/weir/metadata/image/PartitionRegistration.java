package io.weir.metadata.image;

import io.weir.proto.v1.PartitionChangeRecord;
import io.weir.proto.v1.PartitionRecord;
import java.util.List;

/**
 * One partition's replica assignment and leadership. The leader epoch changes
 * with every leader change (fencing the old leader's requests); the partition
 * epoch changes with every change at all (guarding AlterPartition).
 */
public record PartitionRegistration(
        List<Integer> replicas,
        List<Integer> isr,
        int leader,
        int leaderEpoch,
        int partitionEpoch) {

    public static final int NO_LEADER = -1;

    public PartitionRegistration {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    /** No replica can serve: the last ISR member is fenced and unclean election is off. */
    public boolean isOffline() {
        return leader == NO_LEADER;
    }

    /** The first replica is the preferred leader, the one leadership is balanced towards. */
    public int preferredLeader() {
        return replicas.get(0);
    }

    public static PartitionRegistration fromRecord(PartitionRecord r) {
        return new PartitionRegistration(
                r.getReplicasList(), r.getIsrList(), r.getLeader(), r.getLeaderEpoch(), r.getPartitionEpoch());
    }

    public PartitionRecord toRecord(String topicId, int partition) {
        return PartitionRecord.newBuilder()
                .setTopicId(topicId)
                .setPartition(partition)
                .addAllReplicas(replicas)
                .addAllIsr(isr)
                .setLeader(leader)
                .setLeaderEpoch(leaderEpoch)
                .setPartitionEpoch(partitionEpoch)
                .build();
    }

    /** This partition after {@code change}: the rules for epochs live here so every node agrees. */
    public PartitionRegistration merge(PartitionChangeRecord change) {
        List<Integer> newReplicas = change.hasReplicas() ? change.getReplicas().getBrokerIdsList() : replicas;
        List<Integer> newIsr = change.hasIsr() ? change.getIsr().getBrokerIdsList() : isr;
        int newLeader = change.hasLeader() ? change.getLeader() : leader;
        int newLeaderEpoch = change.hasLeader() ? leaderEpoch + 1 : leaderEpoch;
        return new PartitionRegistration(newReplicas, newIsr, newLeader, newLeaderEpoch, partitionEpoch + 1);
    }
}
