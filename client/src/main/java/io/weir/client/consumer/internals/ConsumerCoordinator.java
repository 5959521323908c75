package io.weir.client.consumer.internals;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.weir.client.common.Node;
import io.weir.client.common.errors.ApiException;
import io.weir.client.common.errors.InterruptException;
import io.weir.client.common.errors.TimeoutException;
import io.weir.client.common.errors.WeirException;
import io.weir.client.common.network.ChannelPool;
import io.weir.client.common.network.Cluster;
import io.weir.client.common.network.Metadata;
import io.weir.client.consumer.CloseOptions;
import io.weir.client.consumer.CommitFailedException;
import io.weir.client.consumer.ConsumerRebalanceListener;
import io.weir.client.consumer.OffsetAndMetadata;
import io.weir.client.consumer.OffsetCommitCallback;
import io.weir.client.consumer.assignor.ConsumerPartitionAssignor;
import io.weir.client.consumer.assignor.ConsumerPartitionAssignor.RebalanceProtocol;
import io.weir.client.consumer.assignor.ConsumerPartitionAssignor.Subscription;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FindCoordinatorRequest;
import io.weir.proto.v1.FindCoordinatorResponse;
import io.weir.proto.v1.GroupServiceGrpc;
import io.weir.proto.v1.HeartbeatRequest;
import io.weir.proto.v1.HeartbeatResponse;
import io.weir.proto.v1.JoinGroupRequest;
import io.weir.proto.v1.JoinGroupResponse;
import io.weir.proto.v1.LeaveGroupRequest;
import io.weir.proto.v1.OffsetCommitRequest;
import io.weir.proto.v1.OffsetCommitResponse;
import io.weir.proto.v1.OffsetFetchRequest;
import io.weir.proto.v1.OffsetFetchResponse;
import io.weir.proto.v1.SyncGroupRequest;
import io.weir.proto.v1.SyncGroupResponse;
import io.weir.proto.v1.TopicPartitionOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's consumer coordinator for the classic protocol: finds the group's coordinator, joins and
 * syncs (running the assignor when this member leads), heartbeats from its one background thread,
 * commits and fetches offsets. Rebalance callbacks and commit callbacks run on the polling thread.
 *
 * <p>Threads: the polling thread drives joins, commits and callbacks; the heartbeat thread only
 * sends heartbeats and flags a rejoin. Group state (coordinator, member id, generation, member
 * state, rejoin flag) is guarded by {@code this}; subscription fields belong to the polling thread.
 */
public final class ConsumerCoordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerCoordinator.class);

  /** The member's view of its group membership. */
  enum MemberState {
    UNJOINED,
    PREPARING_REBALANCE,
    COMPLETING_REBALANCE,
    STABLE
  }

  /** Settings from the consumer config. */
  public record Settings(
      String groupId,
      Optional<String> groupInstanceId,
      String clientId,
      int sessionTimeoutMs,
      int rebalanceTimeoutMs,
      int heartbeatIntervalMs,
      long retryBackoffMs,
      long requestTimeoutMs,
      boolean autoCommitEnabled,
      long autoCommitIntervalMs,
      long metadataMaxAgeMs) {}

  private final Settings settings;
  private final List<ConsumerPartitionAssignor> assignors;
  private final RebalanceProtocol protocol;
  private final Metadata metadata;
  private final ChannelPool channels;
  private final SubscriptionState subscriptions;
  private final ConcurrentLinkedQueue<Runnable> completedCommits = new ConcurrentLinkedQueue<>(); // any thread adds, poll thread runs
  private final Thread heartbeatThread;

  // Polling thread only.
  private Set<String> subscribedTopics = Set.of();
  private Pattern subscribedPattern;
  private ConsumerRebalanceListener listener;
  private Map<String, Integer> joinedPartitionCounts = Map.of();
  private long nextAutoCommitMs;
  private long nextPatternCheckMs;
  private CompletableFuture<JoinGroupResponse> pendingJoin;
  private CompletableFuture<SyncGroupResponse> pendingSync;

  // Guarded by this.
  private Node coordinator;
  private String memberId = "";
  private int generation = -1;
  private MemberState state = MemberState.UNJOINED;
  private boolean rejoinNeeded = true;
  private long lastPollMs;
  private boolean closed;

  public ConsumerCoordinator(Settings settings, List<ConsumerPartitionAssignor> assignors, Metadata metadata,
      ChannelPool channels, SubscriptionState subscriptions) {
    this.settings = settings;
    this.assignors = List.copyOf(assignors);
    // Kafka: cooperative only when every configured assignor supports it.
    this.protocol = assignors.stream().allMatch(a -> a.supportedProtocols().contains(RebalanceProtocol.COOPERATIVE))
        ? RebalanceProtocol.COOPERATIVE : RebalanceProtocol.EAGER;
    this.metadata = metadata;
    this.channels = channels;
    this.subscriptions = subscriptions;
    this.lastPollMs = System.currentTimeMillis();
    this.heartbeatThread = new Thread(this::heartbeatLoop, "weir-coordinator-heartbeat-thread | " + settings.groupId());
    heartbeatThread.setDaemon(true);
    heartbeatThread.start();
  }

  // ---- subscription (polling thread) ----

  public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
    this.subscribedTopics = Set.copyOf(new TreeSet<>(topics));
    this.subscribedPattern = null;
    this.listener = listener;
    metadata.setTopics(subscribedTopics);
    requestRejoin();
  }

  public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
    this.subscribedPattern = pattern;
    this.subscribedTopics = Set.of();
    this.listener = listener;
    this.nextPatternCheckMs = 0;
    requestRejoin();
  }

  public boolean isSubscribed() {
    return subscribedPattern != null || !subscribedTopics.isEmpty();
  }

  public Set<String> subscription() {
    return subscribedTopics;
  }

  /** Leaves the group (revoking the assignment first) and forgets the subscription. */
  public void unsubscribe(long deadlineMs) {
    if (isSubscribed()) {
      onLeavePrepare(deadlineMs);
      maybeLeaveGroup(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    }
    subscribedTopics = Set.of();
    subscribedPattern = null;
    listener = null;
    subscriptions.assign(List.of());
  }

  private synchronized void requestRejoin() {
    rejoinNeeded = true;
  }

  // ---- poll ----

  /**
   * One poll's share of group work: run finished commit callbacks, auto-commit when due, and
   * (re)join until stable or {@code deadlineMs}. Returns whether the member is stable.
   */
  public boolean poll(long deadlineMs) {
    long now = System.currentTimeMillis();
    synchronized (this) {
      lastPollMs = now;
    }
    invokeCompletedCommits();
    if (!isSubscribed()) {
      return true;
    }
    maybeUpdatePatternSubscription(now, deadlineMs);
    if (!joinedPartitionCounts.equals(partitionCounts(metadata.cluster())) && stable()) {
      log.info("group {}: partitions of the subscribed topics changed, rejoining", settings.groupId());
      requestRejoin();
    }
    maybeAutoCommit(now);
    return ensureActiveGroup(deadlineMs);
  }

  private synchronized boolean stable() {
    return state == MemberState.STABLE;
  }

  private void maybeUpdatePatternSubscription(long now, long deadlineMs) {
    if (subscribedPattern == null || now < nextPatternCheckMs) {
      return;
    }
    nextPatternCheckMs = now + Math.min(settings.metadataMaxAgeMs(), 5_000);
    Cluster all;
    try {
      all = metadata.refresh(null, Math.max(deadlineMs, now + settings.requestTimeoutMs()));
    } catch (WeirException e) {
      log.debug("topic listing for the pattern subscription failed: {}", e.getMessage());
      return;
    }
    Set<String> matching = new TreeSet<>();
    all.partitionsByTopic().keySet().stream().filter(t -> subscribedPattern.matcher(t).matches()).forEach(matching::add);
    if (!matching.equals(subscribedTopics)) {
      subscribedTopics = Set.copyOf(matching);
      metadata.setTopics(subscribedTopics);
      requestRejoin();
    }
  }

  private Map<String, Integer> partitionCounts(Cluster cluster) {
    Map<String, Integer> out = new HashMap<>();
    for (String t : subscribedTopics) {
      out.put(t, cluster.partitionsFor(t).size());
    }
    return out;
  }

  private boolean ensureActiveGroup(long deadlineMs) {
    do {
      if (!ensureCoordinatorReady(deadlineMs)) {
        return false;
      }
      if (pendingJoin == null && pendingSync == null) {
        synchronized (this) {
          if (state == MemberState.STABLE && !rejoinNeeded) {
            return true;
          }
        }
        onJoinPrepare(deadlineMs);
        sendJoinGroup();
      }
      if (pendingJoin != null) {
        JoinGroupResponse r;
        try {
          r = await(pendingJoin, deadlineMs);
        } catch (CallFailedException e) {
          r = JoinGroupResponse.newBuilder().setErrorCode(ErrorCode.NETWORK_EXCEPTION).build();
        }
        if (r == null) {
          return false;
        }
        pendingJoin = null;
        handleJoinResponse(r, deadlineMs);
      } else if (pendingSync != null) {
        SyncGroupResponse r;
        try {
          r = await(pendingSync, deadlineMs);
        } catch (CallFailedException e) {
          r = SyncGroupResponse.newBuilder().setErrorCode(ErrorCode.NETWORK_EXCEPTION).build();
        }
        if (r == null) {
          return false;
        }
        pendingSync = null;
        if (handleSyncResponse(r) && stable()) {
          return true;
        }
      }
    } while (System.currentTimeMillis() < deadlineMs);
    return stable();
  }

  /** Eager: give everything up before joining. Cooperative: keep it (only moved partitions go later). */
  private void onJoinPrepare(long deadlineMs) {
    boolean lost;
    synchronized (this) {
      lost = generation < 0;
      state = MemberState.PREPARING_REBALANCE;
      rejoinNeeded = false;
    }
    Set<TopicPartition> owned = subscriptions.assignedPartitions();
    if (owned.isEmpty()) {
      return;
    }
    if (lost) {
      // Our generation was reset: others may own these already, so no commit and no revoke.
      if (listener != null) {
        listener.onPartitionsLost(owned);
      }
      subscriptions.assign(List.of());
    } else if (protocol == RebalanceProtocol.EAGER) {
      // The commit before giving partitions up must not be cut short by a short poll timeout.
      maybeAutoCommitSync(Math.max(deadlineMs, System.currentTimeMillis() + settings.requestTimeoutMs()));
      if (listener != null) {
        listener.onPartitionsRevoked(owned);
      }
      subscriptions.assign(List.of());
    }
  }

  private void sendJoinGroup() {
    JoinGroupRequest.Builder req = JoinGroupRequest.newBuilder()
        .setGroupId(settings.groupId())
        .setSessionTimeoutMs(settings.sessionTimeoutMs())
        .setRebalanceTimeoutMs(settings.rebalanceTimeoutMs())
        .setGroupInstanceId(settings.groupInstanceId().orElse(""))
        .setProtocolType(ConsumerProtocol.PROTOCOL_TYPE)
        .setClientId(settings.clientId());
    Node target;
    synchronized (this) {
      req.setMemberId(memberId);
      target = coordinator;
    }
    Subscription s = new Subscription(List.copyOf(new TreeSet<>(subscribedTopics)),
        List.copyOf(subscriptions.assignedPartitions()), generation());
    ByteString metadataBytes = ByteString.copyFrom(ConsumerProtocol.serializeSubscription(s));
    for (ConsumerPartitionAssignor a : assignors) {
      req.addProtocols(JoinGroupRequest.Protocol.newBuilder().setName(a.name()).setMetadata(metadataBytes));
    }
    joinedPartitionCounts = partitionCounts(metadata.cluster());
    // A join may wait for the whole group: up to the rebalance timeout.
    pendingJoin = call(target, settings.rebalanceTimeoutMs() + settings.requestTimeoutMs(),
        (stub, obs) -> stub.joinGroup(req.build(), obs));
  }

  private synchronized int generation() {
    return generation;
  }

  private void handleJoinResponse(JoinGroupResponse r, long deadlineMs) {
    ErrorCode error = r.getErrorCode();
    switch (error) {
      case NONE -> {
        Node target;
        synchronized (this) {
          memberId = r.getMemberId();
          generation = r.getGenerationId();
          state = MemberState.COMPLETING_REBALANCE;
          target = coordinator;
        }
        SyncGroupRequest.Builder sync = SyncGroupRequest.newBuilder()
            .setGroupId(settings.groupId())
            .setGenerationId(r.getGenerationId())
            .setMemberId(r.getMemberId())
            .setGroupInstanceId(settings.groupInstanceId().orElse(""));
        if (r.getLeader().equals(r.getMemberId()) && r.getMembersCount() > 0) {
          performAssignment(r, deadlineMs).forEach((m, partitions) -> sync.addAssignments(
              SyncGroupRequest.Assignment.newBuilder().setMemberId(m)
                  .setAssignment(ByteString.copyFrom(ConsumerProtocol.serializeAssignment(partitions)))));
        }
        pendingSync = call(target, settings.requestTimeoutMs(), (stub, obs) -> stub.syncGroup(sync.build(), obs));
      }
      case MEMBER_ID_REQUIRED -> {
        synchronized (this) {
          memberId = r.getMemberId();
        }
        sendJoinGroup();
      }
      case UNKNOWN_MEMBER_ID -> {
        resetGeneration(true);
        backoffAndRejoin();
      }
      case ILLEGAL_GENERATION -> {
        resetGeneration(false);
        backoffAndRejoin();
      }
      case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, REQUEST_TIMED_OUT, NETWORK_EXCEPTION -> {
        markCoordinatorUnknown();
        backoffAndRejoin();
      }
      case COORDINATOR_LOAD_IN_PROGRESS, REBALANCE_IN_PROGRESS -> backoffAndRejoin();
      default -> {
        synchronized (this) {
          state = MemberState.UNJOINED;
        }
        // FENCED_INSTANCE_ID, INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT, ...: not retriable.
        throw new ApiException(error, "JoinGroup of group " + settings.groupId() + " failed: " + error
            + (r.getErrorMessage().isEmpty() ? "" : " (" + r.getErrorMessage() + ")"));
      }
    }
  }

  private void backoffAndRejoin() {
    synchronized (this) {
      state = MemberState.UNJOINED;
      rejoinNeeded = true;
    }
    sleep(settings.retryBackoffMs());
  }

  /** The leader's duty: run the group's chosen assignor over every member's subscription. */
  private Map<String, List<TopicPartition>> performAssignment(JoinGroupResponse r, long deadlineMs) {
    ConsumerPartitionAssignor assignor = assignors.stream().filter(a -> a.name().equals(r.getProtocolName()))
        .findFirst().orElseThrow(() -> new IllegalStateException("the group chose unknown assignor " + r.getProtocolName()));
    Map<String, Subscription> subs = new LinkedHashMap<>();
    Set<String> topics = new LinkedHashSet<>(subscribedTopics);
    for (JoinGroupResponse.Member m : r.getMembersList()) {
      Subscription s = ConsumerProtocol.deserializeSubscription(m.getMetadata().toByteArray());
      subs.put(m.getMemberId(), s);
      topics.addAll(s.topics());
    }
    Cluster known = metadata.cluster();
    Cluster cluster = known;
    if (topics.stream().anyMatch(t -> known.partitionsFor(t).isEmpty())) {
      metadata.addTopics(topics);
      try {
        cluster = metadata.refresh(Set.copyOf(topics), Math.max(deadlineMs, System.currentTimeMillis() + settings.requestTimeoutMs()));
      } catch (WeirException e) {
        log.debug("metadata for the group's topics not available: {}", e.getMessage());
      }
    }
    Map<String, Integer> partitionsPerTopic = new HashMap<>();
    for (String t : topics) {
      int n = cluster.partitionsFor(t).size();
      if (n > 0) {
        partitionsPerTopic.put(t, n);
      }
    }
    Map<String, List<TopicPartition>> assignment = assignor.assign(partitionsPerTopic, subs);
    log.info("group {} generation {}: leader {} assigned {} with {}", settings.groupId(), r.getGenerationId(),
        r.getMemberId(), assignment, assignor.name());
    return assignment;
  }

  private boolean handleSyncResponse(SyncGroupResponse r) {
    ErrorCode error = r.getErrorCode();
    switch (error) {
      case NONE -> {
        onJoinComplete(ConsumerProtocol.deserializeAssignment(r.getAssignment().toByteArray()));
        return true;
      }
      case UNKNOWN_MEMBER_ID -> resetGeneration(true);
      case ILLEGAL_GENERATION -> resetGeneration(false);
      case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, REQUEST_TIMED_OUT, NETWORK_EXCEPTION -> markCoordinatorUnknown();
      case REBALANCE_IN_PROGRESS, COORDINATOR_LOAD_IN_PROGRESS -> { }
      default -> throw new ApiException(error, "SyncGroup of group " + settings.groupId() + " failed: " + error);
    }
    backoffAndRejoin();
    return false;
  }

  private void onJoinComplete(List<TopicPartition> assigned) {
    Set<TopicPartition> owned = subscriptions.assignedPartitions();
    Set<TopicPartition> revoked = new LinkedHashSet<>(owned);
    revoked.removeAll(assigned);
    Set<TopicPartition> added = new LinkedHashSet<>(assigned);
    added.removeAll(owned);
    synchronized (this) {
      state = MemberState.STABLE;
    }
    if (!revoked.isEmpty()) {
      // Cooperative: only what moved is given up, committed first; a follow-up rebalance hands it on.
      maybeAutoCommitSync(System.currentTimeMillis() + settings.requestTimeoutMs());
      if (listener != null) {
        listener.onPartitionsRevoked(revoked);
      }
      requestRejoin();
    }
    subscriptions.assign(assigned);
    metadata.addTopics(subscribedTopics);
    nextAutoCommitMs = System.currentTimeMillis() + settings.autoCommitIntervalMs();
    log.info("group {}: member {} generation {} owns {}", settings.groupId(), memberId(), generation(), assigned);
    if (listener != null) {
      listener.onPartitionsAssigned(added);
    }
  }

  private synchronized String memberId() {
    return memberId;
  }

  private synchronized void resetGeneration(boolean forgetMemberId) {
    generation = -1;
    if (forgetMemberId) {
      memberId = "";
    }
    state = MemberState.UNJOINED;
    rejoinNeeded = true;
  }

  // ---- coordinator discovery ----

  private synchronized Node coordinator() {
    return coordinator;
  }

  private synchronized void markCoordinatorUnknown() {
    coordinator = null;
  }

  /** FindCoordinator against any broker until one answers or the deadline passes. */
  private boolean ensureCoordinatorReady(long deadlineMs) {
    do {
      if (coordinator() != null) {
        return true;
      }
      List<Node> nodes = new ArrayList<>(metadata.cluster().nodes().values());
      if (nodes.isEmpty()) {
        metadata.maybeRefresh(System.currentTimeMillis());
        nodes = new ArrayList<>(metadata.cluster().nodes().values());
      }
      for (Node n : nodes) {
        FindCoordinatorResponse r;
        try {
          r = GroupServiceGrpc.newBlockingStub(channels.channel(n.host(), n.port()))
              .withDeadlineAfter(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS)
              .findCoordinator(FindCoordinatorRequest.newBuilder().setGroupId(settings.groupId()).build());
        } catch (StatusRuntimeException e) {
          metadata.requestUpdate();
          continue;
        }
        if (r.getErrorCode() == ErrorCode.NONE) {
          synchronized (this) {
            coordinator = new Node(r.getNodeId(), r.getHost(), r.getPort(), Optional.empty());
          }
          return true;
        }
        if (r.getErrorCode() == ErrorCode.INVALID_GROUP_ID) {
          throw new ApiException(r.getErrorCode(), r.getErrorMessage());
        }
        break; // COORDINATOR_NOT_AVAILABLE: the same from every broker, retry after a backoff
      }
      sleep(settings.retryBackoffMs());
    } while (System.currentTimeMillis() < deadlineMs);
    return coordinator() != null;
  }

  // ---- heartbeats (heartbeat thread) ----

  private void heartbeatLoop() {
    while (true) {
      Node target;
      HeartbeatRequest req;
      synchronized (this) {
        if (closed) {
          return;
        }
        try {
          wait(settings.heartbeatIntervalMs());
        } catch (InterruptedException e) {
          return;
        }
        if (closed) {
          return;
        }
        if (state != MemberState.STABLE || coordinator == null || generation < 0) {
          continue;
        }
        if (System.currentTimeMillis() - lastPollMs > settings.rebalanceTimeoutMs()) {
          log.warn("consumer poll timeout has expired: the time between polls exceeded max.poll.interval.ms ({}); "
              + "leaving group {}", settings.rebalanceTimeoutMs(), settings.groupId());
          sendLeaveGroup(coordinator, memberId);
          generation = -1;
          memberId = "";
          state = MemberState.UNJOINED;
          rejoinNeeded = true;
          continue;
        }
        target = coordinator;
        req = HeartbeatRequest.newBuilder().setGroupId(settings.groupId()).setGenerationId(generation)
            .setMemberId(memberId).setGroupInstanceId(settings.groupInstanceId().orElse("")).build();
      }
      HeartbeatResponse r;
      try {
        r = GroupServiceGrpc.newBlockingStub(channels.channel(target.host(), target.port()))
            .withDeadlineAfter(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS).heartbeat(req);
      } catch (StatusRuntimeException | IllegalStateException e) {
        markCoordinatorUnknown();
        continue;
      }
      synchronized (this) {
        if (req.getGenerationId() != generation) {
          continue; // answered for an older generation
        }
        switch (r.getErrorCode()) {
          case NONE -> { }
          case REBALANCE_IN_PROGRESS -> rejoinNeeded = true;
          case ILLEGAL_GENERATION -> resetGeneration(false);
          case UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID -> resetGeneration(true);
          case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE -> coordinator = null;
          default -> log.debug("heartbeat of group {} failed: {}", settings.groupId(), r.getErrorCode());
        }
      }
    }
  }

  // ---- commits ----

  private void maybeAutoCommit(long now) {
    if (settings.autoCommitEnabled() && now >= nextAutoCommitMs && stable()) {
      nextAutoCommitMs = now + settings.autoCommitIntervalMs();
      Map<TopicPartition, OffsetAndMetadata> offsets = allConsumed();
      if (!offsets.isEmpty()) {
        commitAsync(offsets, (o, e) -> {
          if (e != null) {
            log.warn("auto-commit of {} for group {} failed: {}", o, settings.groupId(), e.getMessage());
          }
        });
      }
    }
  }

  /** Before partitions are given up (rebalance, close): their consumed positions, if auto-commit is on. */
  private void maybeAutoCommitSync(long deadlineMs) {
    if (!settings.autoCommitEnabled()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = allConsumed();
    if (offsets.isEmpty()) {
      return;
    }
    try {
      commitSync(offsets, deadlineMs);
    } catch (WeirException e) {
      log.warn("auto-commit of {} for group {} failed: {}", offsets, settings.groupId(), e.getMessage());
    }
  }

  public Map<TopicPartition, OffsetAndMetadata> allConsumed() {
    Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
    subscriptions.allConsumed().forEach((tp, offset) -> out.put(tp, new OffsetAndMetadata(offset)));
    return out;
  }

  private OffsetCommitRequest commitRequest(Map<TopicPartition, OffsetAndMetadata> offsets) {
    OffsetCommitRequest.Builder req = OffsetCommitRequest.newBuilder().setGroupId(settings.groupId());
    synchronized (this) {
      if (isSubscribed()) {
        if (generation < 0) {
          throw new CommitFailedException("Commit cannot be completed since the consumer is not part of an active group "
              + "(it is rejoining after a rebalance); the partitions may be reassigned.");
        }
        req.setGenerationId(generation).setMemberId(memberId).setGroupInstanceId(settings.groupInstanceId().orElse(""));
      } else {
        req.setGenerationId(-1);
      }
    }
    offsets.forEach((tp, om) -> req.addOffsets(TopicPartitionOffset.newBuilder().setTopic(tp.topic())
        .setPartition(tp.partition()).setOffset(om.offset()).setLeaderEpoch(om.leaderEpoch().orElse(-1))
        .setMetadata(om.metadata())));
    return req.build();
  }

  /** Commits and waits; retries coordinator moves until the deadline. */
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, long deadlineMs) {
    invokeCompletedCommits();
    if (offsets.isEmpty()) {
      return;
    }
    while (true) {
      if (!ensureCoordinatorReady(deadlineMs)) {
        throw new TimeoutException("Timeout expired before the group coordinator of " + settings.groupId() + " was found");
      }
      OffsetCommitRequest req = commitRequest(offsets);
      OffsetCommitResponse r;
      try {
        r = await(call(coordinator(), settings.requestTimeoutMs(), (stub, obs) -> stub.offsetCommit(req, obs)), deadlineMs);
      } catch (CallFailedException e) {
        r = OffsetCommitResponse.newBuilder().setErrorCode(ErrorCode.COORDINATOR_NOT_AVAILABLE).build();
      }
      if (r == null) {
        throw new TimeoutException("Timeout expired while committing offsets " + offsets);
      }
      WeirException failure = commitError(r.getErrorCode());
      if (failure == null) {
        return;
      }
      if (!(failure instanceof ApiException api && api.isRetriable()) || System.currentTimeMillis() >= deadlineMs) {
        throw failure;
      }
      sleep(settings.retryBackoffMs());
    }
  }

  public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
    Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsets);
    OffsetCommitCallback cb = callback != null ? callback : (o, e) -> {
      if (e != null) {
        log.warn("asynchronous commit of {} failed: {}", o, e.getMessage());
      }
    };
    OffsetCommitRequest req;
    try {
      if (!ensureCoordinatorReady(System.currentTimeMillis() + settings.requestTimeoutMs())) {
        throw new TimeoutException("the group coordinator of " + settings.groupId() + " was not found");
      }
      req = commitRequest(copy);
    } catch (WeirException e) {
      completedCommits.add(() -> cb.onComplete(copy, e));
      return;
    }
    call(coordinator(), settings.requestTimeoutMs(), (GroupServiceGrpc.GroupServiceStub stub,
        StreamObserver<OffsetCommitResponse> obs) -> stub.offsetCommit(req, obs))
        .whenComplete((r, t) -> {
          Exception e = t != null ? new WeirException("offset commit failed", t) : commitError(r.getErrorCode());
          completedCommits.add(() -> cb.onComplete(copy, e));
        });
  }

  private WeirException commitError(ErrorCode error) {
    switch (error) {
      case NONE:
        return null;
      case NOT_COORDINATOR:
      case COORDINATOR_NOT_AVAILABLE:
      case REQUEST_TIMED_OUT:
        markCoordinatorUnknown();
        return new ApiException(error, "commit to group " + settings.groupId() + " must be retried: " + error);
      case UNKNOWN_MEMBER_ID:
      case ILLEGAL_GENERATION:
        resetGeneration(error == ErrorCode.UNKNOWN_MEMBER_ID);
        return new CommitFailedException("Commit cannot be completed since the group has already rebalanced and assigned "
            + "the partitions to another member (" + error + "). The time between polls may exceed max.poll.interval.ms.");
      case REBALANCE_IN_PROGRESS:
        requestRejoin();
        return new CommitFailedException("Commit cannot be completed: the group is rebalancing; poll to rejoin, then retry.");
      default:
        return new ApiException(error, "commit to group " + settings.groupId() + " failed: " + error);
    }
  }

  private void invokeCompletedCommits() {
    Runnable r;
    while ((r = completedCommits.poll()) != null) {
      r.run();
    }
  }

  /** The group's committed offsets of {@code partitions} (absent: none committed). */
  public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, long deadlineMs) {
    OffsetFetchRequest.Builder req = OffsetFetchRequest.newBuilder().setGroupId(settings.groupId());
    partitions.forEach(tp -> req.addPartitions(OffsetFetchRequest.TopicPartitionRef.newBuilder()
        .setTopic(tp.topic()).setPartition(tp.partition())));
    while (true) {
      if (!ensureCoordinatorReady(deadlineMs)) {
        throw new TimeoutException("Timeout expired before the group coordinator of " + settings.groupId() + " was found");
      }
      OffsetFetchResponse r;
      try {
        r = await(call(coordinator(), settings.requestTimeoutMs(), (stub, obs) -> stub.offsetFetch(req.build(), obs)), deadlineMs);
      } catch (CallFailedException e) {
        r = OffsetFetchResponse.newBuilder().setErrorCode(ErrorCode.COORDINATOR_NOT_AVAILABLE).build();
      }
      if (r == null) {
        throw new TimeoutException("Timeout expired while fetching committed offsets of " + partitions);
      }
      if (r.getErrorCode() == ErrorCode.NONE) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartitionOffset o : r.getOffsetsList()) {
          if (o.getOffset() >= 0) {
            out.put(new TopicPartition(o.getTopic(), o.getPartition()), new OffsetAndMetadata(o.getOffset(),
                o.getLeaderEpoch() >= 0 ? Optional.of(o.getLeaderEpoch()) : Optional.empty(), o.getMetadata()));
          }
        }
        return out;
      }
      if (!ApiException.isRetriable(r.getErrorCode()) || System.currentTimeMillis() >= deadlineMs) {
        throw new ApiException(r.getErrorCode(), "fetching committed offsets of group " + settings.groupId() + " failed");
      }
      if (r.getErrorCode() != ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) {
        markCoordinatorUnknown();
      }
      sleep(settings.retryBackoffMs());
    }
  }

  /** Seeks partitions without a position to the group's committed offsets, where there are some. */
  public void refreshCommittedOffsetsIfNeeded(long deadlineMs) {
    List<TopicPartition> missing = subscriptions.partitionsNeedingPosition();
    if (missing.isEmpty()) {
      return;
    }
    try {
      committed(new HashSet<>(missing), Math.max(deadlineMs, System.currentTimeMillis() + settings.requestTimeoutMs()))
          .forEach((tp, om) -> {
            if (subscriptions.isAssigned(tp) && subscriptions.position(tp) == null) {
              subscriptions.seek(tp, om.offset());
            }
          });
    } catch (TimeoutException e) {
      // Positions stay missing; the next poll asks again.
    }
  }

  // ---- leaving ----

  /** Commits (auto-commit), revokes the assignment and leaves the group (as {@code membership} says). */
  public void close(long deadlineMs, CloseOptions.GroupMembershipOperation membership) {
    try {
      if (isSubscribed()) {
        onLeavePrepare(deadlineMs);
        maybeLeaveGroup(membership);
      } else if (settings.autoCommitEnabled() && !subscriptions.assignedPartitions().isEmpty()) {
        maybeAutoCommitSync(deadlineMs);
      }
      invokeCompletedCommits();
    } finally {
      synchronized (this) {
        closed = true;
        notifyAll();
      }
      try {
        heartbeatThread.join(Math.max(1, deadlineMs - System.currentTimeMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void onLeavePrepare(long deadlineMs) {
    Set<TopicPartition> owned = subscriptions.assignedPartitions();
    if (owned.isEmpty()) {
      return;
    }
    if (generation() >= 0) {
      maybeAutoCommitSync(Math.max(deadlineMs, System.currentTimeMillis() + settings.requestTimeoutMs()));
      if (listener != null) {
        listener.onPartitionsRevoked(owned);
      }
    } else if (listener != null) {
      listener.onPartitionsLost(owned);
    }
  }

  private void maybeLeaveGroup(CloseOptions.GroupMembershipOperation membership) {
    Node target;
    String id;
    synchronized (this) {
      target = coordinator;
      id = memberId;
      generation = -1;
      memberId = "";
      state = MemberState.UNJOINED;
      rejoinNeeded = true;
    }
    pendingJoin = null;
    pendingSync = null;
    // Static members keep their place across restarts: leaving would rebalance the group.
    boolean leave = switch (membership) {
      case LEAVE_GROUP -> true;
      case REMAIN_IN_GROUP -> false;
      case DEFAULT -> settings.groupInstanceId().isEmpty();
    };
    if (target != null && !id.isEmpty() && leave) {
      sendLeaveGroup(target, id);
    }
  }

  private void sendLeaveGroup(Node target, String id) {
    try {
      GroupServiceGrpc.newBlockingStub(channels.channel(target.host(), target.port()))
          .withDeadlineAfter(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS)
          .leaveGroup(LeaveGroupRequest.newBuilder().setGroupId(settings.groupId())
              .addMembers(LeaveGroupRequest.Member.newBuilder().setMemberId(id)
                  .setGroupInstanceId(settings.groupInstanceId().orElse("")))
              .build());
    } catch (StatusRuntimeException | IllegalStateException e) {
      log.debug("LeaveGroup of {} failed: {}", settings.groupId(), e.getMessage());
    }
  }

  @Override
  public void close() {
    close(System.currentTimeMillis() + settings.requestTimeoutMs(), CloseOptions.GroupMembershipOperation.DEFAULT);
  }

  // ---- plumbing ----

  private <T> CompletableFuture<T> call(Node target, long timeoutMs,
      BiConsumer<GroupServiceGrpc.GroupServiceStub, StreamObserver<T>> invoke) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (target == null) {
      result.completeExceptionally(new ApiException(ErrorCode.COORDINATOR_NOT_AVAILABLE, "no coordinator"));
      return result;
    }
    try {
      invoke.accept(GroupServiceGrpc.newStub(channels.channel(target.host(), target.port()))
          .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS), new StreamObserver<T>() {
            @Override
            public void onNext(T value) {
              result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
              result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
          });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /** A group call failed below the protocol (network, deadline): the coordinator counts as gone. */
  private static final class CallFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CallFailedException(Throwable cause) {
      super(cause);
    }
  }

  /** The call's answer, or null if the deadline passes first (the call stays pending). */
  private <T> T await(CompletableFuture<T> future, long deadlineMs) {
    try {
      return future.get(Math.max(0, deadlineMs - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    } catch (ExecutionException e) {
      log.debug("group {} request failed: {}", settings.groupId(), e.getCause().toString());
      markCoordinatorUnknown();
      throw new CallFailedException(e.getCause());
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    }
  }
}
