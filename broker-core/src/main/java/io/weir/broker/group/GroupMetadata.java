package io.weir.broker.group;

import io.weir.common.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classic group: state, members, generation and committed offsets. Mutable; every access holds
 * the lock of this object (the coordinator synchronizes on it).
 */
final class GroupMetadata {
  /** A committed offset as stored. */
  record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {}

  final String groupId;
  final int partition;
  private GroupState state = GroupState.EMPTY;
  long stateTimestampMs;
  int generationId;
  String protocolType = "";
  String protocolName = "";
  String leaderId = "";
  final Map<String, MemberMetadata> members = new LinkedHashMap<>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, to the time they stop being accepted (KIP-394). */
  final Map<String, Long> pendingMembers = new HashMap<>();
  final Map<String, String> staticMembers = new HashMap<>(); // group.instance.id -> member id
  final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
  /** Commits are numbered when accepted; one completing late does not overwrite a newer one. */
  long nextCommitSeq;
  final Map<TopicPartition, Long> offsetCommitSeq = new HashMap<>();
  /** When a PreparingRebalance completes even without every member (0: not rebalancing). */
  long rebalanceDeadlineMs;
  /** This rebalance started from Empty: it waits out its deadline for more members. */
  boolean initialDelay;

  GroupMetadata(String groupId, int partition, long nowMs) {
    this.groupId = groupId;
    this.partition = partition;
    this.stateTimestampMs = nowMs;
  }

  GroupState state() {
    return state;
  }

  boolean is(GroupState s) {
    return state == s;
  }

  void transitionTo(GroupState next, long nowMs) {
    if (!next.validPrevious().contains(state)) {
      throw new IllegalStateException(
          "group " + groupId + " cannot move from " + state.displayName() + " to " + next.displayName());
    }
    state = next;
    stateTimestampMs = nowMs;
  }

  void add(MemberMetadata member) {
    members.put(member.memberId, member);
    member.groupInstanceId.ifPresent(id -> staticMembers.put(id, member.memberId));
    if (leaderId.isEmpty()) {
      leaderId = member.memberId;
    }
  }

  void remove(String memberId) {
    MemberMetadata m = members.remove(memberId);
    if (m != null) {
      m.groupInstanceId.ifPresent(id -> staticMembers.remove(id, memberId));
    }
    if (memberId.equals(leaderId)) {
      leaderId = members.isEmpty() ? "" : members.keySet().iterator().next();
    }
  }

  /** A static member restarted: the same instance continues under a new member id. */
  MemberMetadata replaceStatic(String instanceId, String newMemberId, long nowMs) {
    MemberMetadata old = members.remove(staticMembers.get(instanceId));
    MemberMetadata fresh = new MemberMetadata(newMemberId, old.groupInstanceId, old.clientId, old.sessionTimeoutMs,
        old.rebalanceTimeoutMs, old.protocols, nowMs);
    fresh.assignment = old.assignment;
    members.put(newMemberId, fresh);
    staticMembers.put(instanceId, newMemberId);
    if (old.memberId.equals(leaderId)) {
      leaderId = newMemberId;
    }
    return old;
  }

  boolean allMembersJoined() {
    return pendingMembers.isEmpty() && members.values().stream().allMatch(m -> m.awaitingJoin != null);
  }

  int maxRebalanceTimeoutMs() {
    return members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
  }

  /** Kafka's choice: the protocol every member supports with the most first-preference votes. */
  String selectProtocol() {
    List<String> candidates = new ArrayList<>();
    for (String p : members.values().iterator().next().protocols.keySet()) {
      if (members.values().stream().allMatch(m -> m.protocols.containsKey(p))) {
        candidates.add(p);
      }
    }
    Map<String, Integer> votes = new HashMap<>();
    for (MemberMetadata m : members.values()) {
      m.protocols.keySet().stream().filter(candidates::contains).findFirst()
          .ifPresent(p -> votes.merge(p, 1, Integer::sum));
    }
    return candidates.stream()
        .max((a, b) -> Integer.compare(votes.getOrDefault(a, 0), votes.getOrDefault(b, 0)))
        .orElseThrow();
  }

  /** Whether a joining member's protocols fit the group (some protocol every member supports). */
  boolean supportsProtocols(String type, Iterable<String> protocols) {
    if (members.isEmpty()) {
      return !type.isEmpty();
    }
    if (!type.equals(protocolType)) {
      return false;
    }
    for (String p : protocols) {
      if (members.values().stream().allMatch(m -> m.protocols.containsKey(p))) {
        return true;
      }
    }
    return false;
  }
}
