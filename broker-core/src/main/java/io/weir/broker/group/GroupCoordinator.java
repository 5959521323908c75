package io.weir.broker.group;

import com.google.protobuf.ByteString;
import io.weir.broker.group.GroupMetadata.CommittedOffset;
import io.weir.broker.replica.ReplicaManager;
import io.weir.common.TopicPartition;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.proto.v1.DeleteGroupsResponse;
import io.weir.proto.v1.DescribeGroupsResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.GroupMetadataValue;
import io.weir.proto.v1.HeartbeatRequest;
import io.weir.proto.v1.HeartbeatResponse;
import io.weir.proto.v1.JoinGroupRequest;
import io.weir.proto.v1.JoinGroupResponse;
import io.weir.proto.v1.LeaveGroupRequest;
import io.weir.proto.v1.LeaveGroupResponse;
import io.weir.proto.v1.ListGroupsResponse;
import io.weir.proto.v1.OffsetCommitRequest;
import io.weir.proto.v1.OffsetCommitResponse;
import io.weir.proto.v1.OffsetCommitValue;
import io.weir.proto.v1.OffsetFetchRequest;
import io.weir.proto.v1.OffsetFetchResponse;
import io.weir.proto.v1.SyncGroupRequest;
import io.weir.proto.v1.SyncGroupResponse;
import io.weir.proto.v1.TopicPartitionOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's classic group coordinator for the groups whose {@code __consumer_offsets} partition this
 * broker leads. Requests answer through callbacks: a join waits in its member until the group's
 * rebalance completes (on another member's request or on {@link #tick}), so no thread parks.
 *
 * <p>Locking: each {@link GroupMetadata} is guarded by its own monitor; the maps below are
 * concurrent. Leadership changes arrive on the metadata thread; loads run on the given loader.
 */
public final class GroupCoordinator {
  private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
  /** Resolution of session and rebalance timeouts. */
  private static final long TICK_MS = 100;

  /** Leadership of one offsets partition: loaded once its log has been replayed; failed loads are retried. */
  private record PartitionStatus(int leaderEpoch, boolean loaded, boolean failed) {}

  private final int nodeId;
  private final GroupConfig config;
  private final OffsetsLog offsetsLog;
  private final Executor loader;
  private final LongSupplier clock;
  private final Map<String, GroupMetadata> groups = new ConcurrentHashMap<>(); // values: their own lock
  private final Map<Integer, PartitionStatus> partitions = new ConcurrentHashMap<>(); // led here
  private volatile long nextRetentionCheckMs;

  GroupCoordinator(int nodeId, GroupConfig config, OffsetsLog offsetsLog, Executor loader, LongSupplier clock) {
    this.nodeId = nodeId;
    this.config = config;
    this.offsetsLog = offsetsLog;
    this.loader = loader;
    this.clock = clock;
    this.nextRetentionCheckMs = clock.getAsLong() + config.offsetsRetentionCheckIntervalMs();
  }

  /** The broker's coordinator over its replica manager; loads and {@link #tick}s run on {@code executor}. */
  public static GroupCoordinator create(
      int nodeId, GroupConfig config, ReplicaManager replicaManager, ScheduledExecutorService executor) {
    GroupCoordinator c = new GroupCoordinator(nodeId, config,
        new ReplicaOffsetsLog(replicaManager, config.offsetCommitTimeoutMs(), System::currentTimeMillis),
        executor, System::currentTimeMillis);
    executor.scheduleWithFixedDelay(() -> {
      try {
        c.tick();
      } catch (RuntimeException e) {
        log.error("group coordinator tick failed", e);
      }
    }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    return c;
  }

  public GroupConfig config() {
    return config;
  }

  // ---- leadership ----

  /** Loads the partitions this broker now leads and unloads those it stopped leading. */
  public void onMetadataImage(MetadataImage image) {
    TopicImage topic = image.topics().topic(GroupConfig.OFFSETS_TOPIC);
    for (int p = 0; p < config.offsetsTopicNumPartitions(); p++) {
      PartitionRegistration reg = topic == null ? null : topic.partition(p);
      if (reg != null && reg.leader() == nodeId) {
        if (!partitions.containsKey(p)) {
          onElection(p, reg.leaderEpoch());
        }
      } else if (partitions.containsKey(p)) {
        onResignation(p);
      }
    }
  }

  void onElection(int partition, int leaderEpoch) {
    PartitionStatus loading = new PartitionStatus(leaderEpoch, false, false);
    partitions.put(partition, loading);
    loader.execute(() -> load(partition, loading));
  }

  private void load(int partition, PartitionStatus loading) {
    Map<String, GroupMetadata> loaded = new HashMap<>();
    long now = clock.getAsLong();
    try {
      offsetsLog.replay(partition, e -> apply(loaded, partition, e, now));
    } catch (RuntimeException ex) {
      log.error("loading __consumer_offsets-{} failed; retrying at the next tick", partition, ex);
      partitions.replace(partition, loading, new PartitionStatus(loading.leaderEpoch(), false, true));
      return;
    }
    if (partitions.replace(partition, loading, new PartitionStatus(loading.leaderEpoch(), true, false))) {
      groups.putAll(loaded);
      log.info("broker {} coordinates {} groups of __consumer_offsets-{}", nodeId, loaded.size(), partition);
    }
  }

  private static void apply(Map<String, GroupMetadata> loaded, int partition, OffsetsLog.Entry e, long now) {
    GroupRecords.Key key = GroupRecords.parseKey(e.key());
    if (key.isOffset()) {
      if (e.value() == null) {
        GroupMetadata g = loaded.get(key.groupId());
        if (g != null) {
          g.offsets.remove(key.partition());
        }
        return;
      }
      OffsetCommitValue v = GroupRecords.parseOffset(e.value());
      loaded.computeIfAbsent(key.groupId(), id -> new GroupMetadata(id, partition, now)).offsets.put(key.partition(),
          new CommittedOffset(v.getOffset(), v.getLeaderEpoch(), v.getMetadata(), v.getCommitTimestampMs()));
    } else if (e.value() == null) {
      loaded.remove(key.groupId());
    } else {
      GroupMetadataValue v = GroupRecords.parseGroup(e.value());
      GroupMetadata g = loaded.computeIfAbsent(key.groupId(), id -> new GroupMetadata(id, partition, now));
      // Members are not stored: they find the group Empty and rejoin, at the next generation.
      g.generationId = v.getGenerationId();
      g.protocolType = v.getProtocolType();
      g.stateTimestampMs = v.getCurrentStateTimestampMs();
    }
  }

  void onResignation(int partition) {
    partitions.remove(partition);
    for (GroupMetadata g : groups.values()) {
      if (g.partition != partition) {
        continue;
      }
      synchronized (g) {
        groups.remove(g.groupId, g);
        for (MemberMetadata m : g.members.values()) {
          answerJoin(m, joinError(ErrorCode.NOT_COORDINATOR, m.memberId));
          answerSync(m, syncError(ErrorCode.NOT_COORDINATOR));
        }
      }
    }
  }

  GroupMetadata group(String groupId) {
    return groups.get(groupId);
  }

  /** NONE when this broker coordinates {@code groupId} and has loaded it. */
  ErrorCode coordinatorError(String groupId) {
    PartitionStatus s = partitions.get(config.partitionFor(groupId));
    if (s == null) {
      return ErrorCode.NOT_COORDINATOR;
    }
    return s.loaded() ? ErrorCode.NONE : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
  }

  // ---- join / sync ----

  public void joinGroup(JoinGroupRequest req, Consumer<JoinGroupResponse> callback) {
    String groupId = req.getGroupId();
    String memberId = req.getMemberId();
    ErrorCode error = coordinatorError(groupId);
    if (error == ErrorCode.NONE && groupId.isEmpty()) {
      error = ErrorCode.INVALID_GROUP_ID;
    } else if (error == ErrorCode.NONE
        && (req.getSessionTimeoutMs() < config.groupMinSessionTimeoutMs() || req.getSessionTimeoutMs() > config.groupMaxSessionTimeoutMs())) {
      error = ErrorCode.INVALID_SESSION_TIMEOUT;
    }
    if (error != ErrorCode.NONE) {
      callback.accept(joinError(error, memberId));
      return;
    }
    long now = clock.getAsLong();
    GroupMetadata group = memberId.isEmpty()
        ? groups.computeIfAbsent(groupId, id -> new GroupMetadata(id, config.partitionFor(id), now))
        : groups.get(groupId);
    if (group == null) {
      callback.accept(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
      return;
    }
    Map<String, byte[]> protocols = new LinkedHashMap<>();
    req.getProtocolsList().forEach(p -> protocols.put(p.getName(), p.getMetadata().toByteArray()));
    Optional<String> instanceId = req.getGroupInstanceId().isEmpty() ? Optional.empty() : Optional.of(req.getGroupInstanceId());
    synchronized (group) {
      if (group.is(GroupState.DEAD)) {
        // Deleted or unloaded meanwhile: the client looks the coordinator up again.
        callback.accept(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId));
      } else if (protocols.isEmpty() || !group.supportsProtocols(req.getProtocolType(), protocols.keySet())) {
        callback.accept(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId));
      } else if (memberId.isEmpty()) {
        joinUnknownMember(group, req, instanceId, protocols, callback, now);
      } else {
        joinKnownMember(group, req, instanceId, protocols, callback, now);
      }
    }
  }

  private void joinUnknownMember(GroupMetadata group, JoinGroupRequest req, Optional<String> instanceId,
      Map<String, byte[]> protocols, Consumer<JoinGroupResponse> callback, long now) {
    String newId = (req.getClientId().isEmpty() ? "member" : req.getClientId()) + "-" + UUID.randomUUID();
    if (instanceId.isPresent() && group.staticMembers.containsKey(instanceId.get())) {
      MemberMetadata old = group.replaceStatic(instanceId.get(), newId, now);
      answerJoin(old, joinError(ErrorCode.FENCED_INSTANCE_ID, old.memberId));
      answerSync(old, syncError(ErrorCode.FENCED_INSTANCE_ID));
      MemberMetadata member = group.members.get(newId);
      boolean sameProtocols = member.sameProtocols(protocols);
      member.sessionTimeoutMs = req.getSessionTimeoutMs();
      member.rebalanceTimeoutMs = req.getRebalanceTimeoutMs();
      member.protocols = new LinkedHashMap<>(protocols);
      if (group.is(GroupState.STABLE) && sameProtocols) {
        // A static member restarting with the same subscription gets its old assignment back.
        callback.accept(joinResponse(group, member, false));
        return;
      }
      member.awaitingJoin = callback;
      rejoin(group, now);
    } else if (instanceId.isPresent()) {
      addMember(group, newId, req, instanceId, protocols, callback, now);
    } else {
      group.pendingMembers.put(newId, now + req.getSessionTimeoutMs());
      callback.accept(JoinGroupResponse.newBuilder().setErrorCode(ErrorCode.MEMBER_ID_REQUIRED)
          .setErrorMessage("The group member needs to have a valid member id before actually entering a consumer group.")
          .setMemberId(newId).setGenerationId(-1).build());
    }
  }

  private void joinKnownMember(GroupMetadata group, JoinGroupRequest req, Optional<String> instanceId,
      Map<String, byte[]> protocols, Consumer<JoinGroupResponse> callback, long now) {
    String memberId = req.getMemberId();
    if (group.pendingMembers.remove(memberId) != null) {
      addMember(group, memberId, req, instanceId, protocols, callback, now);
      return;
    }
    MemberMetadata member = group.members.get(memberId);
    if (member == null) {
      callback.accept(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
      return;
    }
    ErrorCode fenced = fencing(group, member, instanceId);
    if (fenced != ErrorCode.NONE) {
      callback.accept(joinError(fenced, memberId));
      return;
    }
    boolean sameProtocols = member.sameProtocols(protocols);
    member.sessionTimeoutMs = req.getSessionTimeoutMs();
    member.rebalanceTimeoutMs = req.getRebalanceTimeoutMs();
    member.lastHeartbeatMs = now;
    switch (group.state()) {
      case PREPARING_REBALANCE -> {
        member.protocols = new LinkedHashMap<>(protocols);
        answerJoin(member, joinError(ErrorCode.REBALANCE_IN_PROGRESS, memberId)); // a replaced join
        member.awaitingJoin = callback;
        maybeCompleteJoin(group, now);
      }
      case COMPLETING_REBALANCE, STABLE -> {
        boolean leaderRejoins = group.is(GroupState.STABLE) && memberId.equals(group.leaderId);
        if (sameProtocols && !leaderRejoins) {
          callback.accept(joinResponse(group, member, memberId.equals(group.leaderId)));
        } else {
          member.protocols = new LinkedHashMap<>(protocols);
          member.awaitingJoin = callback;
          rejoin(group, now);
        }
      }
      default -> callback.accept(joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
    }
  }

  private void addMember(GroupMetadata group, String memberId, JoinGroupRequest req, Optional<String> instanceId,
      Map<String, byte[]> protocols, Consumer<JoinGroupResponse> callback, long now) {
    if (group.members.isEmpty()) {
      group.protocolType = req.getProtocolType();
    }
    MemberMetadata member = new MemberMetadata(memberId, instanceId, req.getClientId(), req.getSessionTimeoutMs(),
        req.getRebalanceTimeoutMs(), protocols, now);
    member.awaitingJoin = callback;
    group.add(member);
    rejoin(group, now);
  }

  /** Starts a rebalance, or, when one is under way, checks whether it can complete. */
  private void rejoin(GroupMetadata group, long now) {
    if (group.is(GroupState.PREPARING_REBALANCE)) {
      maybeCompleteJoin(group, now);
    } else {
      prepareRebalance(group, now);
    }
  }

  private void prepareRebalance(GroupMetadata group, long now) {
    if (group.is(GroupState.COMPLETING_REBALANCE)) {
      for (MemberMetadata m : group.members.values()) {
        m.assignment = new byte[0];
        answerSync(m, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    boolean fromEmpty = group.is(GroupState.EMPTY);
    group.transitionTo(GroupState.PREPARING_REBALANCE, now);
    // An empty group waits group.initial.rebalance.delay.ms for more members to arrive.
    group.initialDelay = fromEmpty && config.groupInitialRebalanceDelayMs() > 0;
    group.rebalanceDeadlineMs = now + (group.initialDelay
        ? Math.min(config.groupInitialRebalanceDelayMs(), group.maxRebalanceTimeoutMs())
        : group.maxRebalanceTimeoutMs());
    maybeCompleteJoin(group, now);
  }

  private void maybeCompleteJoin(GroupMetadata group, long now) {
    if (group.is(GroupState.PREPARING_REBALANCE)
        && ((!group.initialDelay && group.allMembersJoined()) || now >= group.rebalanceDeadlineMs)) {
      completeJoin(group, now);
    }
  }

  private void completeJoin(GroupMetadata group, long now) {
    for (MemberMetadata m : List.copyOf(group.members.values())) {
      if (m.awaitingJoin == null) {
        group.remove(m.memberId);
      }
    }
    group.pendingMembers.clear();
    group.generationId++;
    if (group.members.isEmpty()) {
      group.protocolName = "";
      group.transitionTo(GroupState.EMPTY, now);
      storeGroup(group, now);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.transitionTo(GroupState.COMPLETING_REBALANCE, now);
    for (MemberMetadata m : group.members.values()) {
      m.lastHeartbeatMs = now;
      answerJoin(m, joinResponse(group, m, m.memberId.equals(group.leaderId)));
    }
  }

  private JoinGroupResponse joinResponse(GroupMetadata group, MemberMetadata member, boolean withMembers) {
    JoinGroupResponse.Builder out = JoinGroupResponse.newBuilder()
        .setGenerationId(group.generationId)
        .setProtocolName(group.protocolName)
        .setLeader(group.leaderId)
        .setMemberId(member.memberId);
    if (withMembers) {
      for (MemberMetadata m : group.members.values()) {
        out.addMembers(JoinGroupResponse.Member.newBuilder()
            .setMemberId(m.memberId)
            .setGroupInstanceId(m.groupInstanceId.orElse(""))
            .setMetadata(ByteString.copyFrom(m.protocols.get(group.protocolName))));
      }
    }
    return out.build();
  }

  public void syncGroup(SyncGroupRequest req, Consumer<SyncGroupResponse> callback) {
    ErrorCode error = coordinatorError(req.getGroupId());
    GroupMetadata group = groups.get(req.getGroupId());
    if (error != ErrorCode.NONE || group == null) {
      callback.accept(syncError(error != ErrorCode.NONE ? error : ErrorCode.UNKNOWN_MEMBER_ID));
      return;
    }
    long now = clock.getAsLong();
    synchronized (group) {
      MemberMetadata member = group.members.get(req.getMemberId());
      error = memberError(group, member, req.getGroupInstanceId(), req.getGenerationId());
      if (error != ErrorCode.NONE) {
        callback.accept(syncError(error));
        return;
      }
      member.lastHeartbeatMs = now;
      switch (group.state()) {
        case PREPARING_REBALANCE -> callback.accept(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        case STABLE -> callback.accept(SyncGroupResponse.newBuilder().setAssignment(ByteString.copyFrom(member.assignment)).build());
        case COMPLETING_REBALANCE -> {
          member.awaitingSync = callback;
          if (member.memberId.equals(group.leaderId)) {
            Map<String, byte[]> assignments = new HashMap<>();
            req.getAssignmentsList().forEach(a -> assignments.put(a.getMemberId(), a.getAssignment().toByteArray()));
            completeSync(group, assignments, now);
          }
        }
        default -> callback.accept(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      }
    }
  }

  private void completeSync(GroupMetadata group, Map<String, byte[]> assignments, long now) {
    int generation = group.generationId;
    for (MemberMetadata m : group.members.values()) {
      m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
    }
    storeGroup(group, now).thenAccept(stored -> {
      synchronized (group) {
        if (!group.is(GroupState.COMPLETING_REBALANCE) || group.generationId != generation) {
          return; // a new rebalance has already answered the waiting syncs
        }
        if (stored != ErrorCode.NONE) {
          for (MemberMetadata m : group.members.values()) {
            answerSync(m, syncError(stored));
          }
          prepareRebalance(group, clock.getAsLong());
          return;
        }
        group.transitionTo(GroupState.STABLE, clock.getAsLong());
        for (MemberMetadata m : group.members.values()) {
          answerSync(m, SyncGroupResponse.newBuilder().setAssignment(ByteString.copyFrom(m.assignment)).build());
        }
      }
    });
  }

  // ---- heartbeat / leave ----

  public HeartbeatResponse heartbeat(HeartbeatRequest req) {
    ErrorCode error = coordinatorError(req.getGroupId());
    GroupMetadata group = groups.get(req.getGroupId());
    if (error == ErrorCode.NONE && group == null) {
      error = ErrorCode.UNKNOWN_MEMBER_ID;
    }
    if (error == ErrorCode.NONE) {
      synchronized (group) {
        MemberMetadata member = group.members.get(req.getMemberId());
        error = memberError(group, member, req.getGroupInstanceId(), req.getGenerationId());
        if (error == ErrorCode.NONE) {
          member.lastHeartbeatMs = clock.getAsLong();
          if (group.is(GroupState.PREPARING_REBALANCE)) {
            error = ErrorCode.REBALANCE_IN_PROGRESS;
          }
        }
      }
    }
    return HeartbeatResponse.newBuilder().setErrorCode(error).build();
  }

  public LeaveGroupResponse leaveGroup(LeaveGroupRequest req) {
    ErrorCode error = coordinatorError(req.getGroupId());
    GroupMetadata group = groups.get(req.getGroupId());
    if (error == ErrorCode.NONE && group == null) {
      error = ErrorCode.UNKNOWN_MEMBER_ID;
    }
    if (error != ErrorCode.NONE) {
      return LeaveGroupResponse.newBuilder().setErrorCode(error).build();
    }
    long now = clock.getAsLong();
    synchronized (group) {
      boolean removed = false;
      for (LeaveGroupRequest.Member leaving : req.getMembersList()) {
        String memberId = leaving.getMemberId();
        if (memberId.isEmpty() && !leaving.getGroupInstanceId().isEmpty()) {
          memberId = group.staticMembers.getOrDefault(leaving.getGroupInstanceId(), "");
        }
        MemberMetadata member = group.members.get(memberId);
        if (member == null) {
          error = ErrorCode.UNKNOWN_MEMBER_ID;
          continue;
        }
        ErrorCode fenced = fencing(group, member, Optional.of(leaving.getGroupInstanceId()).filter(s -> !s.isEmpty()));
        if (fenced != ErrorCode.NONE) {
          error = fenced;
          continue;
        }
        answerJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
        answerSync(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
        group.remove(memberId);
        removed = true;
      }
      if (removed) {
        membersRemoved(group, now);
      }
    }
    return LeaveGroupResponse.newBuilder().setErrorCode(error).build();
  }

  private void membersRemoved(GroupMetadata group, long now) {
    if (group.is(GroupState.STABLE) || group.is(GroupState.COMPLETING_REBALANCE)) {
      prepareRebalance(group, now);
    } else if (group.is(GroupState.PREPARING_REBALANCE)) {
      if (group.members.isEmpty()) {
        completeJoin(group, now);
      } else {
        maybeCompleteJoin(group, now);
      }
    }
  }

  /** UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID or ILLEGAL_GENERATION for a request naming {@code member}. */
  private static ErrorCode memberError(GroupMetadata group, MemberMetadata member, String instanceId, int generation) {
    String current = instanceId.isEmpty() ? null : group.staticMembers.get(instanceId);
    if (current != null && (member == null || !current.equals(member.memberId))) {
      return ErrorCode.FENCED_INSTANCE_ID; // an older incarnation of a static member that restarted
    }
    if (member == null || group.is(GroupState.EMPTY) || group.is(GroupState.DEAD)) {
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    ErrorCode fenced = fencing(group, member, Optional.of(instanceId).filter(s -> !s.isEmpty()));
    if (fenced != ErrorCode.NONE) {
      return fenced;
    }
    return generation == group.generationId ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
  }

  private static ErrorCode fencing(GroupMetadata group, MemberMetadata member, Optional<String> instanceId) {
    if (instanceId.isPresent() && !member.memberId.equals(group.staticMembers.get(instanceId.get()))) {
      return ErrorCode.FENCED_INSTANCE_ID;
    }
    return ErrorCode.NONE;
  }

  // ---- timers ----

  /**
   * Retries failed loads, expires members whose session ran out, completes rebalances whose
   * timeout passed, and expires old offsets of empty groups. Called every ~100 ms by the broker (tests: by hand).
   */
  public void tick() {
    partitions.forEach((p, status) -> {
      if (status.failed()) {
        onElection(p, status.leaderEpoch());
      }
    });
    long now = clock.getAsLong();
    for (GroupMetadata group : groups.values()) {
      synchronized (group) {
        group.pendingMembers.values().removeIf(deadline -> deadline < now);
        boolean removed = false;
        for (MemberMetadata m : List.copyOf(group.members.values())) {
          if (m.awaitingJoin == null && m.awaitingSync == null && m.sessionExpired(now)) {
            log.info("group {}: member {} session expired", group.groupId, m.memberId);
            group.remove(m.memberId);
            removed = true;
          }
        }
        if (removed) {
          membersRemoved(group, now);
        }
        maybeCompleteJoin(group, now);
      }
    }
    if (now >= nextRetentionCheckMs) {
      nextRetentionCheckMs = now + config.offsetsRetentionCheckIntervalMs();
      expireOffsets(now);
    }
  }

  /** Deletes offsets of empty groups older than {@code offsets.retention.minutes}, then such groups. */
  private void expireOffsets(long now) {
    for (GroupMetadata group : groups.values()) {
      synchronized (group) {
        if (!group.is(GroupState.EMPTY)) {
          continue;
        }
        List<OffsetsLog.Entry> tombstones = new ArrayList<>();
        List<TopicPartition> expired = new ArrayList<>();
        group.offsets.forEach((tp, o) -> {
          if (Math.max(o.commitTimestampMs(), group.stateTimestampMs) + config.offsetsRetentionMs() <= now) {
            expired.add(tp);
            tombstones.add(new OffsetsLog.Entry(GroupRecords.offsetKey(group.groupId, tp), null));
          }
        });
        boolean dropGroup = expired.size() == group.offsets.size();
        if (dropGroup) {
          tombstones.add(new OffsetsLog.Entry(GroupRecords.groupKey(group.groupId), null));
        }
        offsetsLog.append(group.partition, tombstones).thenAccept(e -> {
          if (e == ErrorCode.NONE) {
            synchronized (group) {
              expired.forEach(group.offsets::remove);
              if (dropGroup && group.is(GroupState.EMPTY) && group.offsets.isEmpty()) {
                group.transitionTo(GroupState.DEAD, now);
                groups.remove(group.groupId, group);
              }
            }
          }
        });
      }
    }
  }

  // ---- offsets ----

  public void commitOffsets(OffsetCommitRequest req, Consumer<OffsetCommitResponse> callback) {
    String groupId = req.getGroupId();
    ErrorCode error = coordinatorError(groupId);
    if (error == ErrorCode.NONE && groupId.isEmpty()) {
      error = ErrorCode.INVALID_GROUP_ID;
    }
    if (error != ErrorCode.NONE) {
      callback.accept(commitResponse(req, error));
      return;
    }
    long now = clock.getAsLong();
    boolean simple = req.getGenerationId() < 0 && req.getMemberId().isEmpty();
    GroupMetadata group = simple
        ? groups.computeIfAbsent(groupId, id -> new GroupMetadata(id, config.partitionFor(id), now))
        : groups.get(groupId);
    if (group == null) {
      callback.accept(commitResponse(req, ErrorCode.ILLEGAL_GENERATION));
      return;
    }
    synchronized (group) {
      if (group.is(GroupState.DEAD)) {
        error = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      } else if (simple) {
        error = group.is(GroupState.EMPTY) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
      } else {
        MemberMetadata member = group.members.get(req.getMemberId());
        error = memberError(group, member, req.getGroupInstanceId(), req.getGenerationId());
        if (error == ErrorCode.NONE && group.is(GroupState.COMPLETING_REBALANCE)) {
          error = ErrorCode.REBALANCE_IN_PROGRESS;
        }
        if (error == ErrorCode.NONE) {
          member.lastHeartbeatMs = now;
        }
      }
      if (error != ErrorCode.NONE) {
        callback.accept(commitResponse(req, error));
        return;
      }
      List<OffsetsLog.Entry> entries = new ArrayList<>();
      Map<TopicPartition, CommittedOffset> committed = new LinkedHashMap<>();
      for (TopicPartitionOffset o : req.getOffsetsList()) {
        TopicPartition tp = new TopicPartition(o.getTopic(), o.getPartition());
        CommittedOffset c = new CommittedOffset(o.getOffset(), o.getLeaderEpoch(), o.getMetadata(), now);
        committed.put(tp, c);
        entries.add(new OffsetsLog.Entry(GroupRecords.offsetKey(groupId, tp), OffsetCommitValue.newBuilder()
            .setOffset(c.offset()).setLeaderEpoch(c.leaderEpoch()).setMetadata(c.metadata())
            .setCommitTimestampMs(now).build().toByteArray()));
      }
      long seq = group.nextCommitSeq++;
      offsetsLog.append(group.partition, entries).thenAccept(stored -> {
        if (stored == ErrorCode.NONE) {
          synchronized (group) {
            committed.forEach((tp, c) -> {
              if (group.offsetCommitSeq.getOrDefault(tp, -1L) < seq) {
                group.offsets.put(tp, c);
                group.offsetCommitSeq.put(tp, seq);
              }
            });
          }
        }
        callback.accept(commitResponse(req, stored));
      });
    }
  }

  private static OffsetCommitResponse commitResponse(OffsetCommitRequest req, ErrorCode error) {
    OffsetCommitResponse.Builder out = OffsetCommitResponse.newBuilder().setErrorCode(error);
    for (TopicPartitionOffset o : req.getOffsetsList()) {
      out.addOffsets(TopicPartitionOffset.newBuilder().setTopic(o.getTopic()).setPartition(o.getPartition())
          .setOffset(o.getOffset()).setErrorCode(error));
    }
    return out.build();
  }

  public OffsetFetchResponse fetchOffsets(OffsetFetchRequest req) {
    ErrorCode error = coordinatorError(req.getGroupId());
    if (error != ErrorCode.NONE) {
      return OffsetFetchResponse.newBuilder().setErrorCode(error).build();
    }
    OffsetFetchResponse.Builder out = OffsetFetchResponse.newBuilder();
    GroupMetadata group = groups.get(req.getGroupId());
    Map<TopicPartition, CommittedOffset> offsets = new LinkedHashMap<>();
    if (group != null) {
      synchronized (group) {
        offsets.putAll(group.offsets);
      }
    }
    List<TopicPartition> wanted = req.getPartitionsCount() == 0
        ? List.copyOf(offsets.keySet())
        : req.getPartitionsList().stream().map(p -> new TopicPartition(p.getTopic(), p.getPartition())).toList();
    for (TopicPartition tp : wanted) {
      CommittedOffset c = offsets.get(tp);
      out.addOffsets(TopicPartitionOffset.newBuilder().setTopic(tp.topic()).setPartition(tp.partition())
          .setOffset(c == null ? -1 : c.offset())
          .setLeaderEpoch(c == null ? -1 : c.leaderEpoch())
          .setMetadata(c == null ? "" : c.metadata()));
    }
    return out.build();
  }

  // ---- admin ----

  public ListGroupsResponse listGroups() {
    ListGroupsResponse.Builder out = ListGroupsResponse.newBuilder();
    for (GroupMetadata g : groups.values()) {
      synchronized (g) {
        if (!g.is(GroupState.DEAD)) {
          out.addGroups(ListGroupsResponse.Group.newBuilder().setGroupId(g.groupId)
              .setProtocolType(g.protocolType).setState(g.state().displayName()));
        }
      }
    }
    return out.build();
  }

  /** Every live group coordinated here, with its state and committed offsets (for metrics). */
  public List<GroupSummary> groupSummaries() {
    List<GroupSummary> out = new ArrayList<>();
    for (GroupMetadata g : groups.values()) {
      synchronized (g) {
        if (!g.is(GroupState.DEAD)) {
          Map<TopicPartition, Long> offsets = new HashMap<>();
          g.offsets.forEach((tp, c) -> offsets.put(tp, c.offset()));
          out.add(new GroupSummary(g.groupId, g.state(), offsets));
        }
      }
    }
    return out;
  }

  public DescribeGroupsResponse.Group describeGroup(String groupId) {
    DescribeGroupsResponse.Group.Builder out = DescribeGroupsResponse.Group.newBuilder().setGroupId(groupId);
    ErrorCode error = coordinatorError(groupId);
    if (error != ErrorCode.NONE) {
      return out.setErrorCode(error).build();
    }
    GroupMetadata g = groups.get(groupId);
    if (g == null) {
      return out.setState(GroupState.DEAD.displayName()).build();
    }
    synchronized (g) {
      out.setState(g.state().displayName()).setProtocolType(g.protocolType).setProtocolName(g.protocolName)
          .setGenerationId(g.generationId).setLeader(g.leaderId);
      for (MemberMetadata m : g.members.values()) {
        byte[] metadata = m.protocols.getOrDefault(g.protocolName, new byte[0]);
        out.addMembers(DescribeGroupsResponse.Member.newBuilder().setMemberId(m.memberId)
            .setGroupInstanceId(m.groupInstanceId.orElse("")).setClientId(m.clientId)
            .setMetadata(ByteString.copyFrom(metadata)).setAssignment(ByteString.copyFrom(m.assignment)));
      }
    }
    return out.build();
  }

  public void deleteGroup(String groupId, Consumer<DeleteGroupsResponse.Result> callback) {
    DeleteGroupsResponse.Result.Builder out = DeleteGroupsResponse.Result.newBuilder().setGroupId(groupId);
    ErrorCode error = coordinatorError(groupId);
    GroupMetadata group = groups.get(groupId);
    if (error == ErrorCode.NONE && group == null) {
      error = ErrorCode.GROUP_ID_NOT_FOUND;
    }
    if (error != ErrorCode.NONE) {
      callback.accept(out.setErrorCode(error).build());
      return;
    }
    synchronized (group) {
      if (!group.is(GroupState.EMPTY)) {
        callback.accept(out.setErrorCode(group.is(GroupState.DEAD) ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NON_EMPTY_GROUP)
            .setErrorMessage("The group is not empty.").build());
        return;
      }
      List<OffsetsLog.Entry> tombstones = new ArrayList<>();
      group.offsets.keySet().forEach(tp -> tombstones.add(new OffsetsLog.Entry(GroupRecords.offsetKey(groupId, tp), null)));
      tombstones.add(new OffsetsLog.Entry(GroupRecords.groupKey(groupId), null));
      offsetsLog.append(group.partition, tombstones).thenAccept(stored -> {
        if (stored == ErrorCode.NONE) {
          synchronized (group) {
            if (group.is(GroupState.EMPTY)) {
              group.transitionTo(GroupState.DEAD, clock.getAsLong());
              groups.remove(groupId, group);
            }
          }
        }
        callback.accept(out.setErrorCode(stored).build());
      });
    }
  }

  // ---- helpers ----

  /** Writes the group's generation record; completes with the store's error code. */
  private CompletableFuture<ErrorCode> storeGroup(GroupMetadata group, long now) {
    byte[] value = GroupMetadataValue.newBuilder().setProtocolType(group.protocolType)
        .setGenerationId(group.generationId).setProtocolName(group.protocolName).setLeader(group.leaderId)
        .setCurrentStateTimestampMs(now).build().toByteArray();
    return offsetsLog.append(group.partition, List.of(new OffsetsLog.Entry(GroupRecords.groupKey(group.groupId), value)));
  }

  private static void answerJoin(MemberMetadata m, JoinGroupResponse response) {
    Consumer<JoinGroupResponse> cb = m.awaitingJoin;
    if (cb != null) {
      m.awaitingJoin = null;
      cb.accept(response);
    }
  }

  private static void answerSync(MemberMetadata m, SyncGroupResponse response) {
    Consumer<SyncGroupResponse> cb = m.awaitingSync;
    if (cb != null) {
      m.awaitingSync = null;
      cb.accept(response);
    }
  }

  private static JoinGroupResponse joinError(ErrorCode error, String memberId) {
    return JoinGroupResponse.newBuilder().setErrorCode(error).setGenerationId(-1).setMemberId(memberId).build();
  }

  private static SyncGroupResponse syncError(ErrorCode error) {
    return SyncGroupResponse.newBuilder().setErrorCode(error).build();
  }
}
