package io.weir.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.weir.proto.v1.DeleteGroupsResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.HeartbeatRequest;
import io.weir.proto.v1.JoinGroupRequest;
import io.weir.proto.v1.JoinGroupResponse;
import io.weir.proto.v1.LeaveGroupRequest;
import io.weir.proto.v1.OffsetCommitRequest;
import io.weir.proto.v1.OffsetCommitResponse;
import io.weir.proto.v1.OffsetFetchRequest;
import io.weir.proto.v1.SyncGroupRequest;
import io.weir.proto.v1.SyncGroupResponse;
import io.weir.proto.v1.TopicPartitionOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The classic group state machine with an in-memory offsets log and a hand-moved clock. */
class GroupCoordinatorTest {
  private static final String GROUP = "g";
  private static final int SESSION_MS = 1_000;
  private static final int REBALANCE_MS = 5_000;

  /** The log of one partition, kept in memory; appends succeed unless told otherwise. */
  static final class MemoryOffsetsLog implements OffsetsLog {
    final List<Entry> entries = new ArrayList<>(); // test thread
    ErrorCode nextError = ErrorCode.NONE;
    int failingReplays;
    /** When set, appends stay unacknowledged here until the test completes them. */
    List<CompletableFuture<ErrorCode>> held;

    @Override
    public CompletableFuture<ErrorCode> append(int partition, List<Entry> batch) {
      if (nextError == ErrorCode.NONE) {
        entries.addAll(batch);
      }
      if (held != null) {
        CompletableFuture<ErrorCode> f = new CompletableFuture<>();
        held.add(f);
        return f;
      }
      return CompletableFuture.completedFuture(nextError);
    }

    @Override
    public void replay(int partition, Consumer<Entry> visitor) {
      if (failingReplays > 0) {
        failingReplays--;
        throw new IllegalStateException("unreadable segment");
      }
      entries.forEach(visitor);
    }
  }

  private final long[] now = {10_000};
  private MemoryOffsetsLog offsetsLog;
  private GroupCoordinator coordinator;
  private int partition;

  @BeforeEach
  void setUp() {
    offsetsLog = new MemoryOffsetsLog();
    GroupConfig config = GroupConfig.DEFAULTS.withSessionBounds(100, 0);
    coordinator = new GroupCoordinator(1, config, offsetsLog, Runnable::run, () -> now[0]);
    partition = config.partitionFor(GROUP);
    coordinator.onElection(partition, 0);
  }

  private GroupMetadata group() {
    return coordinator.group(GROUP);
  }

  private JoinGroupRequest.Builder joinRequest(String memberId, String instanceId) {
    return JoinGroupRequest.newBuilder().setGroupId(GROUP).setMemberId(memberId).setGroupInstanceId(instanceId)
        .setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(REBALANCE_MS).setProtocolType("consumer").setClientId("c")
        .addProtocols(JoinGroupRequest.Protocol.newBuilder().setName("range").setMetadata(ByteString.copyFromUtf8("m")));
  }

  private AtomicReference<JoinGroupResponse> join(JoinGroupRequest.Builder req) {
    AtomicReference<JoinGroupResponse> out = new AtomicReference<>();
    coordinator.joinGroup(req.build(), out::set);
    return out;
  }

  private AtomicReference<SyncGroupResponse> sync(String memberId, int generation, String instanceId, String... assignments) {
    SyncGroupRequest.Builder req = SyncGroupRequest.newBuilder().setGroupId(GROUP).setMemberId(memberId)
        .setGenerationId(generation).setGroupInstanceId(instanceId);
    for (int i = 0; i + 1 < assignments.length; i += 2) {
      req.addAssignments(SyncGroupRequest.Assignment.newBuilder().setMemberId(assignments[i])
          .setAssignment(ByteString.copyFromUtf8(assignments[i + 1])));
    }
    AtomicReference<SyncGroupResponse> out = new AtomicReference<>();
    coordinator.syncGroup(req.build(), out::set);
    return out;
  }

  private ErrorCode heartbeat(String memberId, int generation) {
    return coordinator.heartbeat(HeartbeatRequest.newBuilder().setGroupId(GROUP).setMemberId(memberId)
        .setGenerationId(generation).build()).getErrorCode();
  }

  /** A dynamic member's two-step join (KIP-394): returns its member id, its join left pending or answered. */
  private String joinDynamic(List<AtomicReference<JoinGroupResponse>> answers) {
    JoinGroupResponse required = join(joinRequest("", "")).get();
    assertEquals(ErrorCode.MEMBER_ID_REQUIRED, required.getErrorCode());
    answers.add(join(joinRequest(required.getMemberId(), "")));
    return required.getMemberId();
  }

  private ErrorCode commit(String memberId, int generation, long offset) {
    AtomicReference<OffsetCommitResponse> out = new AtomicReference<>();
    coordinator.commitOffsets(OffsetCommitRequest.newBuilder().setGroupId(GROUP).setMemberId(memberId)
        .setGenerationId(generation).addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(0)
            .setOffset(offset)).build(), out::set);
    return out.get().getErrorCode();
  }

  private long committed() {
    return coordinator.fetchOffsets(OffsetFetchRequest.newBuilder().setGroupId(GROUP)
        .addPartitions(OffsetFetchRequest.TopicPartitionRef.newBuilder().setTopic("t").setPartition(0)).build())
        .getOffsets(0).getOffset();
  }

  @Test
  void walksEmptyPreparingCompletingStableAndBack() {
    List<AtomicReference<JoinGroupResponse>> joins = new ArrayList<>();
    String a = joinDynamic(joins);
    // A lone member completes the join at once: it is the leader and gets the member list.
    JoinGroupResponse ja = joins.get(0).get();
    assertEquals(ErrorCode.NONE, ja.getErrorCode());
    assertEquals(1, ja.getGenerationId());
    assertEquals(a, ja.getLeader());
    assertEquals(1, ja.getMembersCount());
    assertEquals(GroupState.COMPLETING_REBALANCE, group().state());

    AtomicReference<SyncGroupResponse> sa = sync(a, 1, "", a, "A1");
    assertEquals("A1", sa.get().getAssignment().toStringUtf8());
    assertEquals(GroupState.STABLE, group().state());
    assertEquals(ErrorCode.NONE, heartbeat(a, 1));

    // A second member: PreparingRebalance until the first rejoins (told by its heartbeat).
    String b = joinDynamic(joins);
    assertEquals(GroupState.PREPARING_REBALANCE, group().state());
    assertNull(joins.get(1).get());
    assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, heartbeat(a, 1));
    joins.add(join(joinRequest(a, "")));
    assertEquals(GroupState.COMPLETING_REBALANCE, group().state());
    assertEquals(2, joins.get(1).get().getGenerationId());
    assertEquals(0, joins.get(1).get().getMembersCount(), "only the leader gets the members");
    assertEquals(2, joins.get(2).get().getMembersCount());

    // A follower's sync waits for the leader's.
    AtomicReference<SyncGroupResponse> sb = sync(b, 2, "");
    assertNull(sb.get());
    assertEquals(ErrorCode.REBALANCE_IN_PROGRESS, commit(b, 2, 5), "no commits while completing");
    sync(a, 2, "", a, "A2", b, "B2");
    assertEquals("B2", sb.get().getAssignment().toStringUtf8());
    assertEquals(GroupState.STABLE, group().state());

    // Both leave: PreparingRebalance, then Empty at the next generation.
    coordinator.leaveGroup(LeaveGroupRequest.newBuilder().setGroupId(GROUP)
        .addMembers(LeaveGroupRequest.Member.newBuilder().setMemberId(b)).build());
    assertEquals(GroupState.PREPARING_REBALANCE, group().state());
    coordinator.leaveGroup(LeaveGroupRequest.newBuilder().setGroupId(GROUP)
        .addMembers(LeaveGroupRequest.Member.newBuilder().setMemberId(a)).build());
    assertEquals(GroupState.EMPTY, group().state());
    assertEquals(3, group().generationId);

    // Dead once deleted; the tombstone is in the log.
    AtomicReference<DeleteGroupsResponse.Result> deleted = new AtomicReference<>();
    coordinator.deleteGroup(GROUP, deleted::set);
    assertEquals(ErrorCode.NONE, deleted.get().getErrorCode());
    assertNull(coordinator.group(GROUP));
    assertNull(offsetsLog.entries.get(offsetsLog.entries.size() - 1).value());
  }

  @Test
  void invalidTransitionsAreRefused() {
    GroupMetadata g = new GroupMetadata("x", 0, 0);
    assertThrows(IllegalStateException.class, () -> g.transitionTo(GroupState.STABLE, 1));
    assertThrows(IllegalStateException.class, () -> g.transitionTo(GroupState.COMPLETING_REBALANCE, 1));
    g.transitionTo(GroupState.PREPARING_REBALANCE, 1);
    assertThrows(IllegalStateException.class, () -> g.transitionTo(GroupState.STABLE, 1));
    g.transitionTo(GroupState.COMPLETING_REBALANCE, 1);
    g.transitionTo(GroupState.STABLE, 1);
    g.transitionTo(GroupState.DEAD, 1);
    assertThrows(IllegalStateException.class, () -> g.transitionTo(GroupState.EMPTY, 1));
  }

  @Test
  void sessionExpiryRemovesASilentMemberAndRebalances() {
    List<AtomicReference<JoinGroupResponse>> joins = new ArrayList<>();
    String a = joinDynamic(joins);
    sync(a, 1, "", a, "A");
    String b = joinDynamic(joins);
    joins.add(join(joinRequest(a, "")));
    sync(b, 2, "");
    sync(a, 2, "", a, "A", b, "B");
    assertEquals(GroupState.STABLE, group().state());

    now[0] += SESSION_MS / 2;
    assertEquals(ErrorCode.NONE, heartbeat(a, 2));
    now[0] += SESSION_MS / 2 + 1;
    coordinator.tick();
    // b fell silent for longer than its session: gone, and the group rebalances without it.
    assertEquals(GroupState.PREPARING_REBALANCE, group().state());
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, heartbeat(b, 2));
    AtomicReference<JoinGroupResponse> rejoin = join(joinRequest(a, ""));
    assertEquals(3, rejoin.get().getGenerationId());
    assertEquals(1, rejoin.get().getMembersCount());
  }

  @Test
  void rebalanceTimeoutDropsMembersThatDoNotRejoin() {
    List<AtomicReference<JoinGroupResponse>> joins = new ArrayList<>();
    String a = joinDynamic(joins);
    sync(a, 1, "", a, "A");
    String b = joinDynamic(joins);
    // a keeps heartbeating but never rejoins (stuck in processing past max.poll.interval.ms).
    for (int i = 0; i < 10; i++) {
      now[0] += REBALANCE_MS / 10;
      heartbeat(a, 1);
      coordinator.tick();
    }
    now[0] += 1;
    coordinator.tick();
    JoinGroupResponse jb = joins.get(1).get();
    assertEquals(ErrorCode.NONE, jb.getErrorCode());
    assertEquals(b, jb.getLeader());
    assertEquals(1, jb.getMembersCount());
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, heartbeat(a, 1));
  }

  @Test
  void fencingRefusesZombies() {
    List<AtomicReference<JoinGroupResponse>> joins = new ArrayList<>();
    String a = joinDynamic(joins);
    sync(a, 1, "", a, "A");
    assertEquals(ErrorCode.NONE, commit(a, 1, 7));
    assertEquals(7, committed());
    // Stale generation and unknown member: the zombie's commit is refused, the offset unchanged.
    assertEquals(ErrorCode.ILLEGAL_GENERATION, commit(a, 0, 99));
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, commit("zombie", 1, 99));
    assertEquals(ErrorCode.ILLEGAL_GENERATION, heartbeat(a, 0));
    assertEquals(ErrorCode.ILLEGAL_GENERATION, sync(a, 5, "").get().getErrorCode());
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, join(joinRequest("zombie", "")).get().getErrorCode());
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, commit("", -1, 99), "a simple commit to a non-empty group");
    assertEquals(7, committed());
    // A commit that did not reach the replicas is not visible either.
    offsetsLog.nextError = ErrorCode.NOT_COORDINATOR;
    assertEquals(ErrorCode.NOT_COORDINATOR, commit(a, 1, 8));
    assertEquals(7, committed());
  }

  @Test
  void staticMemberRejoinsWithoutRebalanceAndFencesItsOldSelf() {
    AtomicReference<JoinGroupResponse> first = join(joinRequest("", "instance-1"));
    String oldId = first.get().getMemberId();
    assertEquals(ErrorCode.NONE, first.get().getErrorCode(), "static members skip MEMBER_ID_REQUIRED");
    sync(oldId, 1, "instance-1", oldId, "P");
    assertEquals(GroupState.STABLE, group().state());

    // Restart: a new member id, the same generation and assignment, no rebalance.
    JoinGroupResponse again = join(joinRequest("", "instance-1")).get();
    assertEquals(ErrorCode.NONE, again.getErrorCode());
    assertNotEquals(oldId, again.getMemberId());
    assertEquals(1, again.getGenerationId());
    assertEquals(GroupState.STABLE, group().state());
    assertEquals("P", sync(again.getMemberId(), 1, "instance-1").get().getAssignment().toStringUtf8());

    // The old incarnation is fenced.
    assertEquals(ErrorCode.FENCED_INSTANCE_ID, coordinator.heartbeat(HeartbeatRequest.newBuilder().setGroupId(GROUP)
        .setMemberId(oldId).setGroupInstanceId("instance-1").setGenerationId(1).build()).getErrorCode());
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, commit(oldId, 1, 3));
  }

  @Test
  void offsetsSurviveAReloadAndExpireAfterRetention() {
    List<AtomicReference<JoinGroupResponse>> joins = new ArrayList<>();
    String a = joinDynamic(joins);
    sync(a, 1, "", a, "A");
    assertEquals(ErrorCode.NONE, commit(a, 1, 42));

    coordinator.onResignation(partition);
    assertEquals(ErrorCode.NOT_COORDINATOR, heartbeat(a, 1));
    coordinator.onElection(partition, 1);
    // Replayed: offsets and the generation are back; the members must rejoin.
    assertEquals(42, committed());
    assertEquals(GroupState.EMPTY, group().state());
    assertEquals(1, group().generationId);
    assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, heartbeat(a, 1));

    now[0] += GroupConfig.DEFAULTS.offsetsRetentionMs() + GroupConfig.DEFAULTS.offsetsRetentionCheckIntervalMs();
    coordinator.tick();
    assertEquals(-1, committed());
    assertNull(coordinator.group(GROUP));
    coordinator.onResignation(partition);
    coordinator.onElection(partition, 2);
    assertEquals(-1, committed(), "the tombstones are in the log too");
  }

  @Test
  void anOlderCommitAcknowledgedLastDoesNotWin() {
    offsetsLog.held = new ArrayList<>();
    coordinator.commitOffsets(OffsetCommitRequest.newBuilder().setGroupId(GROUP).setGenerationId(-1)
        .addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(0).setOffset(5)).build(), r -> { });
    coordinator.commitOffsets(OffsetCommitRequest.newBuilder().setGroupId(GROUP).setGenerationId(-1)
        .addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(0).setOffset(9)).build(), r -> { });
    assertEquals(-1, committed(), "nothing is visible before the replicas have it");
    offsetsLog.held.get(1).complete(ErrorCode.NONE);
    offsetsLog.held.get(0).complete(ErrorCode.NONE);
    assertEquals(9, committed());
  }

  @Test
  void aFailedLoadIsRetried() {
    commit("", -1, 11);
    coordinator.onResignation(partition);
    offsetsLog.failingReplays = 1;
    coordinator.onElection(partition, 1);
    assertEquals(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, coordinator.coordinatorError(GROUP));
    coordinator.tick();
    assertEquals(ErrorCode.NONE, coordinator.coordinatorError(GROUP));
    assertEquals(11, committed());
  }

  @Test
  void requestsBeforeTheLoadOrElsewhereAreRedirected() {
    GroupCoordinator loading = new GroupCoordinator(1, GroupConfig.DEFAULTS, offsetsLog, task -> { }, () -> now[0]);
    loading.onElection(partition, 0);
    assertEquals(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, loading.coordinatorError(GROUP));
    assertEquals(ErrorCode.NOT_COORDINATOR, loading.coordinatorError(GROUP + "-elsewhere-" + findOtherGroup()));
    assertEquals(ErrorCode.INVALID_SESSION_TIMEOUT, join(joinRequest("", "").setSessionTimeoutMs(1)).get().getErrorCode());
  }

  /** A suffix that hashes the group to another partition. */
  private int findOtherGroup() {
    for (int i = 0; i < 1_000; i++) {
      if (GroupConfig.DEFAULTS.partitionFor(GROUP + "-elsewhere-" + i) != partition) {
        return i;
      }
    }
    throw new AssertionError("every group hashed to partition " + partition);
  }

  @Test
  void partitionForMatchesKafkasAbs() {
    GroupConfig c = GroupConfig.DEFAULTS;
    assertEquals(Math.abs("my-group".hashCode()) % 50, c.partitionFor("my-group"));
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE: Kafka's abs maps it to 0.
    assertEquals(Integer.MIN_VALUE, "polygenelubricants".hashCode());
    assertEquals(0, c.partitionFor("polygenelubricants"));
  }
}
