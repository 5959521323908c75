package io.weir.broker.group;

import io.weir.proto.v1.JoinGroupResponse;
import io.weir.proto.v1.SyncGroupResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** One member of a classic group. Mutable; guarded by its group's lock. */
final class MemberMetadata {
  final String memberId;
  final Optional<String> groupInstanceId;
  final String clientId;
  int sessionTimeoutMs;
  int rebalanceTimeoutMs;
  /** Protocol name to metadata, in the member's order of preference. */
  Map<String, byte[]> protocols;
  byte[] assignment = new byte[0];
  long lastHeartbeatMs;
  Consumer<JoinGroupResponse> awaitingJoin;
  Consumer<SyncGroupResponse> awaitingSync;

  MemberMetadata(String memberId, Optional<String> groupInstanceId, String clientId, int sessionTimeoutMs,
      int rebalanceTimeoutMs, Map<String, byte[]> protocols, long nowMs) {
    this.memberId = memberId;
    this.groupInstanceId = groupInstanceId;
    this.clientId = clientId;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.protocols = new LinkedHashMap<>(protocols);
    this.lastHeartbeatMs = nowMs;
  }

  boolean sameProtocols(Map<String, byte[]> other) {
    if (!protocols.keySet().equals(other.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : other.entrySet()) {
      if (!Arrays.equals(protocols.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  boolean sessionExpired(long nowMs) {
    return nowMs - lastHeartbeatMs > sessionTimeoutMs;
  }
}
