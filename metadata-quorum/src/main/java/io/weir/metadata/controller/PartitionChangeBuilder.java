package io.weir.metadata.controller;

import io.weir.metadata.image.ClusterImage;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.PartitionChangeRecord;
import io.weir.proto.v1.PartitionChangeRecord.BrokerIds;
import java.util.List;
import java.util.Optional;

/**
 * Decides one partition's next leader and ISR, and writes the change as a
 * record (or nothing when nothing changes). Leaders come from the ISR in
 * replica order and must be active (unfenced, not shutting down); when none
 * is, the partition goes offline, unless unclean election is enabled, which
 * takes any active replica and makes it the whole ISR.
 */
final class PartitionChangeBuilder {
    enum Election {
        /** Keep an acceptable current leader; elect only when it is not. */
        ONLINE,
        /** Move leadership to the preferred replica when it is in the ISR and active. */
        PREFERRED
    }

    private final PartitionRegistration current;
    private final String topicId;
    private final int partition;
    private final ClusterImage cluster;
    private final boolean uncleanEnabled;
    private List<Integer> targetIsr;
    private Election election = Election.ONLINE;

    PartitionChangeBuilder(PartitionRegistration current, String topicId, int partition, ClusterImage cluster,
                           boolean uncleanEnabled) {
        this.current = current;
        this.topicId = topicId;
        this.partition = partition;
        this.cluster = cluster;
        this.uncleanEnabled = uncleanEnabled;
        this.targetIsr = current.isr();
    }

    /** The ISR to move to; never empty (the caller keeps the last member). */
    PartitionChangeBuilder setTargetIsr(List<Integer> isr) {
        if (isr.isEmpty()) {
            throw new IllegalArgumentException("an ISR never becomes empty");
        }
        this.targetIsr = List.copyOf(isr);
        return this;
    }

    PartitionChangeBuilder setElection(Election election) {
        this.election = election;
        return this;
    }

    Optional<MetadataRecord> build() {
        List<Integer> isr = targetIsr;
        int leader = electLeader(isr);
        if (leader == PartitionRegistration.NO_LEADER && uncleanEnabled) {
            for (int r : current.replicas()) {
                if (cluster.isActive(r)) {
                    leader = r;
                    isr = List.of(r);
                    break;
                }
            }
        }
        boolean leaderChanged = leader != current.leader();
        boolean isrChanged = !isr.equals(current.isr());
        if (!leaderChanged && !isrChanged) {
            return Optional.empty();
        }
        PartitionChangeRecord.Builder r = PartitionChangeRecord.newBuilder().setTopicId(topicId)
                .setPartition(partition);
        if (leaderChanged) {
            r.setLeader(leader);
        }
        if (isrChanged) {
            r.setIsr(BrokerIds.newBuilder().addAllBrokerIds(isr));
        }
        return Optional.of(MetadataRecord.newBuilder().setPartitionChange(r).build());
    }

    private int electLeader(List<Integer> isr) {
        if (election == Election.PREFERRED) {
            int preferred = current.preferredLeader();
            if (isr.contains(preferred) && cluster.isActive(preferred)) {
                return preferred;
            }
        }
        if (isr.contains(current.leader()) && cluster.isActive(current.leader())) {
            return current.leader();
        }
        for (int r : current.replicas()) {
            if (isr.contains(r) && cluster.isActive(r)) {
                return r;
            }
        }
        return PartitionRegistration.NO_LEADER;
    }
}
