package io.weir.client.consumer;

import java.time.Duration;
import java.util.Optional;

/**
 * Kafka's {@code CloseOptions} (KIP-1092): how long close may take and whether the member leaves
 * its group. {@code REMAIN_IN_GROUP} stops heartbeating without a LeaveGroup, so the group only
 * notices after {@code session.timeout.ms} (as after a crash, or a static member's restart).
 */
public record CloseOptions(Optional<Duration> timeout, GroupMembershipOperation groupMembershipOperation) {
  public enum GroupMembershipOperation {
    /** Dynamic members leave, static members stay (Kafka's default). */
    DEFAULT,
    LEAVE_GROUP,
    REMAIN_IN_GROUP
  }

  public static CloseOptions timeout(Duration timeout) {
    return new CloseOptions(Optional.of(timeout), GroupMembershipOperation.DEFAULT);
  }

  public static CloseOptions groupMembershipOperation(GroupMembershipOperation operation) {
    return new CloseOptions(Optional.empty(), operation);
  }
}
