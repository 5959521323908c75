package io.weir.broker.node;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.weir.broker.NamedThreadFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The node's {@code grpc.health.v1} status, the same on every listener it runs: one service name
 * per role ({@value #BROKER_SERVICE}, {@value #CONTROLLER_SERVICE}) and the overall status (service
 * {@code ""}), SERVING only when every role of the node is. A broker serves once the controller has
 * unfenced it (which it does only when the broker's metadata has reached its registration), a
 * controller once it knows the quorum's leader. Everything is NOT_SERVING from the moment shutdown
 * begins.
 *
 * <p>The roles' conditions are polled on one {@code node-health-<id>} thread, which alone writes
 * statuses: the Raft runtime has no leader-change callback and a probe does not need more than
 * {@link #POLL_MS}.
 */
final class NodeHealth implements AutoCloseable {
  static final String BROKER_SERVICE = "weir.broker";
  static final String CONTROLLER_SERVICE = "weir.controller";
  static final long POLL_MS = 100;

  private final Map<String, BooleanSupplier> roles = new LinkedHashMap<>(); // filled before start()
  private final List<HealthStatusManager> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService thread;
  private volatile boolean shuttingDown;

  NodeHealth(int nodeId) {
    this.thread = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("node-health-" + nodeId));
  }

  /** Declares a role and when it is ready; before {@link #start}. */
  void addRole(String service, BooleanSupplier ready) {
    roles.put(service, ready);
  }

  /** Reports on {@code listener}'s health service too, NOT_SERVING at once until the next poll. */
  void attach(HealthStatusManager listener) {
    listener.setStatus("", ServingStatus.NOT_SERVING);
    roles.keySet().forEach(service -> listener.setStatus(service, ServingStatus.NOT_SERVING));
    listeners.add(listener);
  }

  void start() {
    thread.scheduleWithFixedDelay(this::poll, 0, POLL_MS, TimeUnit.MILLISECONDS);
  }

  /** NOT_SERVING from now on, on every listener; the node stays up while it moves its work away. */
  void beginShutdown() {
    shuttingDown = true;
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS); // a poll in progress must not overwrite what follows
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (HealthStatusManager l : listeners) {
      l.setStatus("", ServingStatus.NOT_SERVING);
      roles.keySet().forEach(service -> l.setStatus(service, ServingStatus.NOT_SERVING));
    }
  }

  private void poll() {
    boolean all = !shuttingDown;
    for (Map.Entry<String, BooleanSupplier> role : roles.entrySet()) {
      boolean ready = !shuttingDown && role.getValue().getAsBoolean();
      all &= ready;
      set(role.getKey(), ready);
    }
    set("", all);
  }

  private void set(String service, boolean serving) {
    ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    listeners.forEach(l -> l.setStatus(service, status));
  }

  @Override
  public void close() {
    beginShutdown();
  }
}
