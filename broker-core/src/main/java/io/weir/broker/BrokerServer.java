package io.weir.broker;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.weir.broker.api.FetchServiceImpl;
import io.weir.broker.api.MetadataServiceImpl;
import io.weir.broker.api.OffsetServiceImpl;
import io.weir.broker.api.ProduceServiceImpl;
import io.weir.broker.api.RequestLimiter;
import io.weir.broker.fetcher.GrpcLeaderEndpoint;
import io.weir.broker.fetcher.LeaderEndpoint;
import io.weir.broker.fetcher.ReplicaFetcher;
import io.weir.broker.fetcher.ReplicaFetcherManager;
import io.weir.broker.group.GroupCoordinator;
import io.weir.broker.group.GroupServiceImpl;
import io.weir.broker.metadata.AutoTopicCreator;
import io.weir.broker.metadata.MetadataCache;
import io.weir.broker.metrics.BrokerStats;
import io.weir.broker.producer.ProducerIdBlockSource;
import io.weir.broker.producer.ProducerIdManager;
import io.weir.broker.replica.AlterPartitionManager;
import io.weir.broker.replica.HighWatermarkCheckpoint;
import io.weir.broker.replica.ReplicaManager;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.storage.log.LogManager;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's data plane on one listener: logs, replica manager, replication, the public gRPC
 * services, and background maintenance (ISR shrink, high-watermark checkpoints, retention, flush,
 * compaction). Controller-facing calls go through the given interfaces; metadata arrives through
 * {@link #onMetadataUpdate}. The node entry point wires this to the Raft-backed controller.
 *
 * <p>Lifecycle: {@link #bind} opens the listener with only the health service answering (so probes
 * see NOT_SERVING rather than a refused connection while the node catches up); {@link #start} lets
 * every request in; a graceful stop calls {@link #drainRequests} (no new requests, running ones
 * finish for a bounded time) before {@link #close}, which cancels whatever still runs, as a crash
 * would, and closes the logs cleanly so the next start skips recovery.
 *
 * <p>Threads: {@code num.io.threads} request handlers (gRPC's executor, so Netty event loops never
 * block), one purgatory timer, one maintenance scheduler, one log cleaner, one fetcher per leader
 * followed.
 */
public final class BrokerServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(BrokerServer.class);
  /** Room for the protobuf framing around a maximal batch or fetch. */
  private static final int MESSAGE_OVERHEAD = 64 * 1024;
  /** How long a graceful stop waits for requests already running. */
  public static final long IN_FLIGHT_GRACE_MS = 2_000;

  private final BrokerConfig config;
  private final LogManager logManager;
  private final MetadataCache metadataCache;
  private final ReplicaManager replicaManager;
  private final ReplicaFetcherManager fetcherManager;
  private final ExecutorService requestHandlers;
  private final ScheduledExecutorService purgatoryTimer;
  private final ScheduledExecutorService scheduler;
  private final ScheduledExecutorService cleaner; // compaction may run long: it must not delay ISR checks
  private final ScheduledExecutorService groupThread; // group loads and session/rebalance timeouts
  private final GroupCoordinator groupCoordinator;
  private final FetchServiceImpl fetchService;
  private final ProduceServiceImpl produceService;
  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final BrokerStats stats = new BrokerStats();
  private final Object lifecycle = new Object();
  private boolean bound; // under lifecycle
  private boolean started; // under lifecycle
  private volatile boolean serving; // set once by start(): requests other than health pass

  public BrokerServer(
      BrokerConfig config,
      Path logDir,
      String host,
      int port,
      AlterPartitionManager alterPartitionManager,
      ProducerIdBlockSource producerIdBlocks,
      AutoTopicCreator topicCreator) {
    this(config, logDir, host, port, alterPartitionManager, producerIdBlocks, topicCreator, null);
  }

  /**
   * @param leaderEndpoints how followers reach leaders; null for gRPC (tests put a simulated
   *     network here)
   */
  public BrokerServer(
      BrokerConfig config,
      Path logDir,
      String host,
      int port,
      AlterPartitionManager alterPartitionManager,
      ProducerIdBlockSource producerIdBlocks,
      AutoTopicCreator topicCreator,
      Function<Endpoint, LeaderEndpoint> leaderEndpoints) {
    this(config, logDir, host, port, alterPartitionManager, producerIdBlocks, topicCreator, leaderEndpoints,
        cache -> List.of());
  }

  /**
   * @param extraServices services the node adds on the client listener (the AdminService), given
   *     this broker's metadata cache
   */
  public BrokerServer(
      BrokerConfig config,
      Path logDir,
      String host,
      int port,
      AlterPartitionManager alterPartitionManager,
      ProducerIdBlockSource producerIdBlocks,
      AutoTopicCreator topicCreator,
      Function<Endpoint, LeaderEndpoint> leaderEndpoints,
      Function<MetadataCache, List<BindableService>> extraServices) {
    this(config, logDir, host, port, alterPartitionManager, producerIdBlocks, topicCreator, leaderEndpoints,
        extraServices, List.of());
  }

  /** @param interceptors wrap every call on the client listener (the node's request metrics) */
  public BrokerServer(
      BrokerConfig config,
      Path logDir,
      String host,
      int port,
      AlterPartitionManager alterPartitionManager,
      ProducerIdBlockSource producerIdBlocks,
      AutoTopicCreator topicCreator,
      Function<Endpoint, LeaderEndpoint> leaderEndpoints,
      Function<MetadataCache, List<BindableService>> extraServices,
      List<ServerInterceptor> interceptors) {
    this.config = config;
    this.logManager = LogManager.load(logDir, tp -> config.defaultLogConfig(), System::currentTimeMillis);
    this.metadataCache = new MetadataCache(config.listenerName());
    int maxMessage = Math.max(config.messageMaxBytes(), config.fetchMaxBytes()) + MESSAGE_OVERHEAD;
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("purgatory-timer-" + config.nodeId()));
    // Most waiting requests complete before their timeout; a cancelled timeout task left in the
    // queue would hold its request until the timeout passed.
    timer.setRemoveOnCancelPolicy(true);
    this.purgatoryTimer = timer;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("broker-scheduler-" + config.nodeId()));
    this.cleaner =
        Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("log-cleaner-" + config.nodeId()));
    // Fetchers look partitions up in the replica manager, which owns the fetcher manager: the
    // lookups go through this holder, filled below, and run only once fetchers start.
    ReplicaManager[] self = new ReplicaManager[1];
    ReplicaFetcher.Settings fetchSettings =
        new ReplicaFetcher.Settings(
            config.replicaFetchWaitMaxMs(),
            1,
            config.fetchMaxBytes(),
            config.replicaFetchMaxBytes(),
            config.replicaFetchBackoffMs(),
            config.replicaFetchWaitMaxMs() + 30_000L);
    this.fetcherManager =
        new ReplicaFetcherManager(
            config.nodeId(),
            fetchSettings,
            leaderEndpoints != null
                ? leaderEndpoints
                : endpoint -> new GrpcLeaderEndpoint(endpoint, maxMessage),
            tp -> self[0].partition(tp),
            tp -> self[0].completeDelayedRequests(tp));
    this.replicaManager =
        new ReplicaManager(
            config,
            logManager,
            metadataCache,
            alterPartitionManager,
            fetcherManager,
            new HighWatermarkCheckpoint(logDir),
            purgatoryTimer,
            System::currentTimeMillis,
            stats);
    self[0] = replicaManager;
    this.groupThread =
        Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("group-coordinator-" + config.nodeId()));
    this.groupCoordinator = GroupCoordinator.create(config.nodeId(), config.groupConfig(), replicaManager, groupThread);
    // Its queue holds a few tasks per call, and calls are bounded by queued.max.requests below.
    this.requestHandlers =
        Executors.newFixedThreadPool(
            config.numIoThreads(), new NamedThreadFactory("request-handler-" + config.nodeId()));
    this.fetchService = new FetchServiceImpl(replicaManager, config.fetchMaxBytes());
    this.produceService = new ProduceServiceImpl(replicaManager, new ProducerIdManager(producerIdBlocks));
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .executor(requestHandlers)
            .maxInboundMessageSize(maxMessage)
            .flowControlWindow(GrpcLeaderEndpoint.FLOW_CONTROL_WINDOW)
            // Backpressure instead of an unbounded handler queue: a connection's extra calls wait in
            // the client for a free HTTP/2 stream; calls over the limit across connections are refused.
            .maxConcurrentCallsPerConnection(config.queuedMaxRequests())
            .addService(gated(new MetadataServiceImpl(metadataCache, config.autoCreateTopicsEnable(), topicCreator)))
            .addService(gated(produceService))
            .addService(gated(fetchService))
            .addService(gated(new OffsetServiceImpl(replicaManager)))
            .addService(gated(new GroupServiceImpl(groupCoordinator, metadataCache, topicCreator)))
            .addService(health.getHealthService());
    extraServices.apply(metadataCache).forEach(s -> builder.addService(gated(s)));
    builder.intercept(new RequestLimiter(config.queuedMaxRequests())); // innermost: metrics see refusals
    interceptors.forEach(builder::intercept);
    this.server = builder.build();
  }

  /** Until {@link #start}, a call gets UNAVAILABLE (retriable: clients try another broker or later). */
  private ServerServiceDefinition gated(BindableService service) {
    return ServerInterceptors.intercept(service, new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!serving) {
          call.close(Status.UNAVAILABLE.withDescription("broker " + config.nodeId()
              + " is not serving yet: it has not caught up with the metadata log and been unfenced"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
      }
    });
  }

  /**
   * Binds the listener; only the health service answers until {@link #start}. Returns the bound
   * port (useful with port 0).
   */
  public int bind() {
    synchronized (lifecycle) {
      if (!bound) {
        try {
          server.start();
        } catch (IOException e) {
          throw new UncheckedIOException("broker " + config.nodeId() + " could not bind its listener", e);
        }
        bound = true;
      }
      return server.getPort();
    }
  }

  /** Binds the listener if needed, starts maintenance and serves every request; returns the bound port. */
  public int start() {
    synchronized (lifecycle) {
      bind();
      if (started) {
        return server.getPort();
      }
      started = true;
    }
    long shrinkEvery = Math.max(1, config.replicaLagTimeMaxMs() / 2);
    schedule(replicaManager::maybeShrinkIsr, shrinkEvery);
    schedule(replicaManager::checkpointHighWatermarks, config.highWatermarkCheckpointIntervalMs());
    schedule(replicaManager::takeProducerSnapshots, config.producerSnapshotIntervalMs());
    schedule(logManager::runRetentionAndFlush, config.logRetentionCheckIntervalMs());
    schedule(cleaner, () -> logManager.runCleaner(replicaManager::uncleanableOffset), config.logCleanerBackoffMs());
    serving = true;
    return server.getPort();
  }

  private void schedule(Runnable task, long periodMs) {
    schedule(scheduler, task, periodMs);
  }

  private void schedule(ScheduledExecutorService executor, Runnable task, long periodMs) {
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            log.error("broker {} background task failed", config.nodeId(), e);
          }
        },
        periodMs,
        periodMs,
        TimeUnit.MILLISECONDS);
  }

  /** Applies a new committed image; called by one metadata thread, in order. */
  public void onMetadataUpdate(MetadataImage image) {
    metadataCache.update(image);
    replicaManager.applyImage(image);
    groupCoordinator.onMetadataImage(image);
  }

  public int nodeId() {
    return config.nodeId();
  }

  public int port() {
    return server.getPort();
  }

  public ReplicaManager replicaManager() {
    return replicaManager;
  }

  public MetadataCache metadataCache() {
    return metadataCache;
  }

  public LogManager logManager() {
    return logManager;
  }

  public GroupCoordinator groupCoordinator() {
    return groupCoordinator;
  }

  /** The produce, fetch and ISR event counters. */
  public BrokerStats stats() {
    return stats;
  }

  /** The health service on this broker's listener; its owner sets the statuses. */
  public HealthStatusManager health() {
    return health;
  }

  /**
   * The graceful stop's first step: refuses new requests and waits up to {@code graceMs} for the
   * running ones to finish (a long-poll fetch answers by its {@code max.wait.ms}).
   */
  public void drainRequests(long graceMs) {
    health.enterTerminalState();
    server.shutdown();
    fetchService.closeStreams();
    produceService.closeStreams();
    try {
      server.awaitTermination(graceMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Cancels any request still running, stops every thread and closes the logs cleanly. */
  @Override
  public void close() {
    health.enterTerminalState();
    server.shutdownNow();
    fetcherManager.shutdown();
    scheduler.shutdown(); // no interrupt: it would close the log file channels under a running task
    cleaner.shutdown();
    groupThread.shutdown(); // no interrupt: a load may be reading a log file channel
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    requestHandlers.shutdown();
    purgatoryTimer.shutdownNow();
    try {
      requestHandlers.awaitTermination(5, TimeUnit.SECONDS);
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
      cleaner.awaitTermination(5, TimeUnit.SECONDS);
      groupThread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    replicaManager.shutdown();
    logManager.close();
  }
}
