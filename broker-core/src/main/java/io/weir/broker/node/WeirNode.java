package io.weir.broker.node;

import io.grpc.protobuf.services.HealthStatusManager;
import io.weir.broker.BrokerConfig;
import io.weir.broker.BrokerServer;
import io.weir.broker.NamedThreadFactory;
import io.weir.broker.admin.AdminServiceImpl;
import io.weir.broker.fetcher.LeaderEndpoint;
import io.weir.broker.metadata.AutoTopicCreator;
import io.weir.broker.metrics.GrpcServerMetrics;
import io.weir.broker.producer.ProducerIdBlockSource;
import io.weir.broker.replica.AlterPartitionManager;
import io.weir.metadata.broker.BrokerLifecycleManager;
import io.weir.metadata.broker.ControllerClient;
import io.weir.metadata.broker.MetadataLoader;
import io.weir.metadata.controller.ApiError;
import io.weir.metadata.controller.Errors;
import io.weir.metadata.controller.ProducerIdsBlock;
import io.weir.metadata.controller.server.QuorumController;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.raft.RaftNode;
import io.weir.metadata.raft.runtime.ControllerListener;
import io.weir.proto.v1.AllocateProducerIdsRequest;
import io.weir.proto.v1.AllocateProducerIdsResponse;
import io.weir.proto.v1.AlterPartitionRequest;
import io.weir.proto.v1.AlterPartitionResponse;
import io.weir.proto.v1.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Weir process (Kafka's {@code KafkaRaftServer}): the controller role (Raft runtime, {@link
 * QuorumController}, {@code ControllerService} on the CONTROLLER listener) and/or the broker role
 * ({@link BrokerServer} fed by the committed metadata, registered and heartbeating through a {@link
 * BrokerLifecycleManager}, its ISR changes and producer-id blocks going to the active controller).
 *
 * <p>The broker binds its client listener at start but serves only the health service until the
 * controller has unfenced it, i.e. until its metadata has caught up with its registration; {@link
 * #brokerReady()} completes then. gRPC health ({@link NodeHealth}) answers on every listener. {@link
 * #shutdown} is the graceful stop (controlled shutdown, then close); {@link #close()} alone stops the
 * roles in reverse order and every thread they started, as a crash would leave the cluster.
 *
 * <p>Start and close are called by one thread (the CLI's or a test's); {@link #closed} guards the
 * broker's late start against a concurrent close.
 */
public final class WeirNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WeirNode.class);

  private final ServerConfig config;
  private final String clusterId;
  private final List<AutoCloseable> started = new ArrayList<>(); // in start order; owner thread
  private final CompletableFuture<Integer> brokerReady = new CompletableFuture<>();
  private final Object lock = new Object();
  private final NodeHealth health;
  private boolean closed; // under lock
  // Set once while starting, before start() returns the node to anyone else.
  private ControllerListener controllerListener;
  private QuorumController controller;
  private BrokerServer broker;
  private volatile BrokerLifecycleManager lifecycle; // read by controller-call threads
  private final GrpcServerMetrics requestMetrics = new GrpcServerMetrics(); // thread-safe, on both listeners
  private NodeMetrics metrics; // set once while starting; null when metrics.port=-1

  private WeirNode(ServerConfig config, String clusterId) {
    this.config = config;
    this.clusterId = clusterId;
    this.health = new NodeHealth(config.nodeId());
  }

  /**
   * Checks the node's directories ({@code meta.properties}) and starts its roles. A failure part
   * way stops what had started.
   *
   * @throws IllegalStateException if a directory is unformatted or belongs to another node or cluster
   */
  public static WeirNode start(ServerConfig config) {
    return start(config, null);
  }

  /**
   * @param leaderEndpoints how the broker's followers reach leaders; null for gRPC (tests put a
   *     network they can cut here)
   */
  public static WeirNode start(ServerConfig config, Function<Endpoint, LeaderEndpoint> leaderEndpoints) {
    String clusterId = StorageFormatter.verify(config.allDirs(), config.nodeId());
    WeirNode node = new WeirNode(config, clusterId);
    try {
      if (config.metricsPort() >= 0) {
        node.metrics = NodeMetrics.start(config, node.requestMetrics);
        node.started.add(node.metrics);
      }
      if (config.hasControllerRole()) {
        node.startController();
      }
      if (config.hasBrokerRole()) {
        node.startBroker(leaderEndpoints);
      } else {
        node.brokerReady.completeExceptionally(new IllegalStateException("node " + config.nodeId()
            + " has no broker role"));
      }
      if (node.metrics != null) {
        node.metrics.addRoles(node.broker, node.controller);
      }
      node.health.start();
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    log.info("Weir node {} of cluster {} started (roles: {}{})", config.nodeId(), clusterId,
        config.hasControllerRole() ? "controller " : "", config.hasBrokerRole() ? "broker" : "");
    return node;
  }

  private void startController() {
    ServerConfig.Listener l = config.controllerListener();
    controllerListener = ControllerListener.bind(bindHost(l), l.port(), List.of(requestMetrics));
    started.add(controllerListener);
    HealthStatusManager listenerHealth = new HealthStatusManager();
    health.attach(listenerHealth);
    controllerListener.addService(listenerHealth.getHealthService());
    controller = QuorumController.start(config.quorumConfig(), config.controllerConfig(),
        config.controllerTimings(), controllerListener);
    started.add(controller);
    // Joined: it knows the quorum's leader in the current term (itself included).
    health.addRole(NodeHealth.CONTROLLER_SERVICE, () -> controller.raft().leaderId() != RaftNode.NO_LEADER);
  }

  private void startBroker(Function<Endpoint, LeaderEndpoint> leaderEndpoints) {
    int id = config.nodeId();
    ControllerClient client = new ControllerClient(config.quorumConfig().voters(),
        config.quorumConfig().requestTimeoutMs(), 100);
    started.add(client);
    // Blocking controller calls behind the broker's future-returning hooks.
    ExecutorService controllerCalls = Executors.newSingleThreadExecutor(new NamedThreadFactory("controller-calls-" + id));
    started.add(() -> {
      controllerCalls.shutdownNow();
      controllerCalls.awaitTermination(10, TimeUnit.SECONDS);
    });
    AlterPartitionManager alterPartition = (topicId, partition, leaderEpoch, partitionEpoch, newIsr) ->
        client.alterPartition(AlterPartitionRequest.newBuilder()
                .setBrokerId(id).setBrokerEpoch(lifecycle.brokerEpoch())
                .setTopicId(topicId).setPartition(partition).setLeaderEpoch(leaderEpoch)
                .setPartitionEpoch(partitionEpoch).addAllNewIsr(newIsr).build())
            .thenApply(WeirNode::alterPartitionResult);
    ProducerIdBlockSource producerIds = () -> CompletableFuture.supplyAsync(() -> {
      AllocateProducerIdsResponse r = client.allocateProducerIds(AllocateProducerIdsRequest.newBuilder()
          .setBrokerId(id).setBrokerEpoch(lifecycle.brokerEpoch()).build());
      return new ProducerIdsBlock(error(r.getErrorCode(), r.getErrorMessage()), r.getProducerIdStart(),
          r.getProducerIdLen());
    }, controllerCalls);
    AutoTopicCreator topicCreator = new ControllerTopicCreator(client, controllerCalls);
    ServerConfig.Listener listener = config.brokerListener();
    BrokerConfig brokerConfig = config.brokerConfig();
    broker = new BrokerServer(brokerConfig, config.logDirs().get(0), bindHost(listener), listener.port(),
        alterPartition, producerIds, topicCreator, leaderEndpoints,
        cache -> List.of(new AdminServiceImpl(client, cache, clusterId)), List.of(requestMetrics));
    started.add(broker);
    health.attach(broker.health());
    broker.bind();
    BrokerMetadataPublisher publisher = new BrokerMetadataPublisher(broker);
    started.add(publisher);
    if (controller != null) {
      // Combined: the local voter applies the metadata log already; no observer is needed.
      controller.addPublisher(publisher);
      publisher.onMetadataUpdate(controller.committedImage());
    } else {
      started.add(MetadataLoader.start(config.quorumConfig().withNodeId(id, null), publisher));
    }
    List<Endpoint> endpoints = config.advertisedListeners().stream()
        .map(l -> new Endpoint(l.name(), l.host(), l.port())).toList();
    lifecycle = new BrokerLifecycleManager(id, endpoints, brokerConfig.rack(), client,
        config.brokerHeartbeatIntervalMs(), publisher::appliedOffset);
    started.add(lifecycle);
    health.addRole(NodeHealth.BROKER_SERVICE, () -> brokerReady.isDone() && !brokerReady.isCompletedExceptionally()
        && !lifecycle.isFenced());
    lifecycle.initialUnfenced().thenRun(this::openBrokerListener);
    lifecycle.start();
  }

  /** On the lifecycle thread, once unfenced: clients may now be served. */
  private void openBrokerListener() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        int port = broker.start();
        log.info("Broker {} is unfenced and serves on port {}", config.nodeId(), port);
        brokerReady.complete(port);
      } catch (RuntimeException e) {
        log.error("Broker {} could not open its listener", config.nodeId(), e);
        brokerReady.completeExceptionally(e);
      }
    }
  }

  private static String bindHost(ServerConfig.Listener l) {
    return l.host().isEmpty() ? "0.0.0.0" : l.host();
  }

  private static io.weir.metadata.controller.AlterPartitionResponse alterPartitionResult(AlterPartitionResponse r) {
    if (r.getErrorCode() != ErrorCode.NONE) {
      return new io.weir.metadata.controller.AlterPartitionResponse(error(r.getErrorCode(), r.getErrorMessage()), null);
    }
    return new io.weir.metadata.controller.AlterPartitionResponse(ApiError.NONE, new PartitionRegistration(
        r.getReplicasList(), r.getIsrList(), r.getPartitionLeader(), r.getLeaderEpoch(), r.getPartitionEpoch()));
  }

  private static ApiError error(ErrorCode code, String message) {
    if (code == ErrorCode.NONE) {
      return ApiError.NONE;
    }
    try {
      return ApiError.of(Errors.valueOf(code.name()), message);
    } catch (IllegalArgumentException e) {
      // A code outside the controller's own set (e.g. UNKNOWN_SERVER_ERROR): keep its name for the log.
      return ApiError.of(Errors.INVALID_REQUEST, code.name() + ": " + message);
    }
  }

  public int nodeId() {
    return config.nodeId();
  }

  public String clusterId() {
    return clusterId;
  }

  /** Completes with the broker's port once it is unfenced and serving; fails for a controller-only node. */
  public CompletableFuture<Integer> brokerReady() {
    return brokerReady;
  }

  /** The port of the Prometheus endpoint, -1 when {@code metrics.port=-1}. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  /** The broker role, or null. */
  public BrokerServer broker() {
    return broker;
  }

  /** The controller role, or null. */
  public QuorumController controller() {
    return controller;
  }

  /** The broker's lifecycle with the controller, or null. */
  public BrokerLifecycleManager lifecycle() {
    return lifecycle;
  }

  /**
   * The graceful stop (SIGTERM): health turns NOT_SERVING, the broker's leaderships move to other
   * replicas (waiting at most {@code controlledShutdownTimeout}), the broker refuses new requests
   * and lets running ones finish (at most {@link BrokerServer#IN_FLIGHT_GRACE_MS}), then {@link
   * #close()} closes the logs cleanly. Returns whether the controller let the broker go in time
   * (false for a controller-only node).
   */
  public boolean shutdown(Duration controlledShutdownTimeout) {
    log.info("Node {}: shutting down", config.nodeId());
    health.beginShutdown();
    boolean controlled = controlledShutdown(controlledShutdownTimeout.toMillis());
    if (broker != null) {
      broker.drainRequests(BrokerServer.IN_FLIGHT_GRACE_MS);
    }
    close();
    return controlled;
  }

  /**
   * Asks the controller to move this broker's leaderships away before it stops (Kafka's controlled
   * shutdown); waits at most {@code timeoutMs}. Returns whether the controller let it go.
   */
  public boolean controlledShutdown(long timeoutMs) {
    if (lifecycle == null || !brokerReady.isDone() || brokerReady.isCompletedExceptionally()) {
      return false;
    }
    try {
      lifecycle.beginControlledShutdown().get(timeoutMs, TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      log.warn("Node {}: controlled shutdown did not complete: {}", config.nodeId(), e.toString());
      return false;
    }
  }

  /**
   * Stops heartbeating, as a broker cut off from the controller does: the controller fences it
   * after {@code broker.session.timeout.ms}. For tests; only a restart brings the node back.
   */
  void stopHeartbeats() {
    if (lifecycle != null) {
      lifecycle.close();
    }
  }

  /** Stops every role in reverse start order; each step is bounded by its owner's close. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    health.close();
    brokerReady.completeExceptionally(new IllegalStateException("node " + config.nodeId() + " closed"));
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.warn("Node {}: error while stopping {}", config.nodeId(), started.get(i), e);
      }
    }
    log.info("Weir node {} stopped", config.nodeId());
  }
}
