package io.weir.client.admin;

import io.weir.client.common.Node;
import java.util.List;

/**
 * A group as its coordinator describes it.
 *
 * @param state Kafka's state name: Empty, PreparingRebalance, CompletingRebalance, Stable or Dead
 * @param partitionAssignor the assignor (protocol) the group chose, empty when there is none
 */
public record ConsumerGroupDescription(
    String groupId,
    String state,
    String partitionAssignor,
    int generationId,
    Node coordinator,
    List<MemberDescription> members) {}
