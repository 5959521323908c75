package io.weir.metadata.broker;

import io.weir.metadata.image.Endpoint;
import io.weir.proto.v1.BrokerEndpoint;
import io.weir.proto.v1.BrokerHeartbeatRequest;
import io.weir.proto.v1.BrokerHeartbeatResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.RegisterBrokerRequest;
import io.weir.proto.v1.RegisterBrokerResponse;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's lifecycle with the controller, as in KRaft: registers with a fresh incarnation id, its
 * listeners and rack; then heartbeats every {@code broker.heartbeat.interval.ms} (2000) with the metadata
 * offset it has applied. The controller keeps it fenced until that offset reaches its registration, and
 * fences it again when heartbeats stop for {@code broker.session.timeout.ms}. A heartbeat refused with
 * STALE_BROKER_EPOCH or BROKER_ID_NOT_REGISTERED makes it register again. Until first unfenced, and
 * during controlled shutdown, it heartbeats every {@value #QUICK_RETRY_MS} ms instead, as Kafka's does
 * while starting: each round waits on a commit, not on time.
 *
 * <p>Controlled shutdown: {@link #beginControlledShutdown()} asks in every following heartbeat; the
 * controller moves the broker's leaderships away first and answers "shut down" once they are gone.
 *
 * <p>One thread ({@code broker-lifecycle-<id>}) makes every call and owns the fields marked so;
 * the volatile ones are read by anyone.
 */
public final class BrokerLifecycleManager implements AutoCloseable {

    public static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 2000;

    private static final Logger log = LoggerFactory.getLogger(BrokerLifecycleManager.class);
    /** Pause between heartbeats while starting up (fenced) or in controlled shutdown. */
    static final long QUICK_RETRY_MS = 50;

    private final int brokerId;
    private final String incarnationId = UUID.randomUUID().toString();
    private final List<Endpoint> listeners;
    private final Optional<String> rack;
    private final ControllerClient controller;
    private final long heartbeatIntervalMs;
    private final LongSupplier metadataOffset;
    private final ScheduledExecutorService thread;
    private final CompletableFuture<Void> unfenced = new CompletableFuture<>();
    private final CompletableFuture<Void> shutdownAllowed = new CompletableFuture<>();

    private volatile long brokerEpoch = -1; // -1: not registered
    private volatile boolean fenced = true;
    private volatile boolean caughtUp;
    private volatile boolean wantShutdown;
    private boolean retryScheduled; // lifecycle thread: at most one quick retry pending

    /**
     * @param metadataOffset the offset of the metadata image this broker has applied (its loader's)
     */
    public BrokerLifecycleManager(int brokerId, List<Endpoint> listeners, Optional<String> rack,
                                  ControllerClient controller, long heartbeatIntervalMs, LongSupplier metadataOffset) {
        if (heartbeatIntervalMs <= 0) {
            throw new IllegalArgumentException("Invalid value " + heartbeatIntervalMs + " for configuration "
                    + BROKER_HEARTBEAT_INTERVAL_MS + ": must be positive");
        }
        this.brokerId = brokerId;
        this.listeners = List.copyOf(listeners);
        this.rack = rack;
        this.controller = controller;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        this.metadataOffset = metadataOffset;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "broker-lifecycle-" + brokerId);
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = executor;
    }

    /** Registers, then heartbeats until closed. */
    public void start() {
        thread.scheduleWithFixedDelay(this::step, 0, heartbeatIntervalMs, TimeUnit.MILLISECONDS);
    }

    public int brokerId() {
        return brokerId;
    }

    public String incarnationId() {
        return incarnationId;
    }

    /** The epoch of the current registration, -1 while not registered. */
    public long brokerEpoch() {
        return brokerEpoch;
    }

    /** As the controller last answered; true until the first unfencing. */
    public boolean isFenced() {
        return fenced;
    }

    public boolean isCaughtUp() {
        return caughtUp;
    }

    /** Completes the first time the controller reports this broker unfenced. */
    public CompletableFuture<Void> initialUnfenced() {
        return unfenced;
    }

    /**
     * Asks the controller to let this broker go. The future completes once the controller has moved the
     * broker's leaderships away and fenced it; the broker may then stop.
     */
    public CompletableFuture<Void> beginControlledShutdown() {
        wantShutdown = true;
        thread.execute(this::step); // ask now rather than at the next interval
        return shutdownAllowed;
    }

    private void step() {
        try {
            if (shutdownAllowed.isDone()) {
                return;
            }
            if (brokerEpoch < 0) {
                register();
            } else {
                heartbeat();
            }
            boolean starting = brokerEpoch >= 0 && !unfenced.isDone();
            boolean stopping = wantShutdown && !shutdownAllowed.isDone();
            if ((starting || stopping) && !retryScheduled && !thread.isShutdown()) {
                // Catching up with the metadata log, and the controller moving leaderships away, both
                // progress in rounds of a commit each: ask again soon rather than a whole interval later.
                retryScheduled = true;
                thread.schedule(() -> {
                    retryScheduled = false;
                    step();
                }, Math.min(heartbeatIntervalMs, QUICK_RETRY_MS), TimeUnit.MILLISECONDS);
            }
        } catch (ControllerUnavailableException e) {
            log.warn("Broker {}: {}", brokerId, e.getMessage());
        } catch (RuntimeException e) {
            log.error("Broker {}: lifecycle step failed", brokerId, e);
        }
    }

    private void register() {
        RegisterBrokerRequest.Builder request = RegisterBrokerRequest.newBuilder()
                .setBrokerId(brokerId).setIncarnationId(incarnationId).setRack(rack.orElse(""));
        listeners.forEach(l -> request.addListeners(BrokerEndpoint.newBuilder()
                .setName(l.name()).setHost(l.host()).setPort(l.port())));
        RegisterBrokerResponse response = controller.registerBroker(request.build());
        if (response.getErrorCode() != ErrorCode.NONE) {
            log.warn("Broker {}: registration refused: {} {}", brokerId, response.getErrorCode(),
                    response.getErrorMessage());
            return;
        }
        brokerEpoch = response.getBrokerEpoch();
        fenced = true;
        log.info("Broker {} registered with epoch {}", brokerId, brokerEpoch);
        heartbeat();
    }

    private void heartbeat() {
        BrokerHeartbeatResponse response = controller.brokerHeartbeat(BrokerHeartbeatRequest.newBuilder()
                .setBrokerId(brokerId).setBrokerEpoch(brokerEpoch)
                .setCurrentMetadataOffset(metadataOffset.getAsLong())
                .setWantShutdown(wantShutdown).build());
        switch (response.getErrorCode()) {
            case NONE -> {
                caughtUp = response.getIsCaughtUp();
                boolean wasFenced = fenced;
                fenced = response.getIsFenced();
                if (wasFenced && !fenced) {
                    log.info("Broker {} is unfenced", brokerId);
                    unfenced.complete(null);
                } else if (!wasFenced && fenced) {
                    log.info("Broker {} is fenced", brokerId);
                }
                if (response.getShouldShutDown()) {
                    log.info("Broker {}: the controller completed its controlled shutdown", brokerId);
                    shutdownAllowed.complete(null);
                }
            }
            case STALE_BROKER_EPOCH, BROKER_ID_NOT_REGISTERED -> {
                log.info("Broker {}: {}; registering again", brokerId, response.getErrorMessage());
                brokerEpoch = -1;
                fenced = true;
            }
            default -> log.warn("Broker {}: heartbeat refused: {} {}", brokerId, response.getErrorCode(),
                    response.getErrorMessage());
        }
    }

    /** Stops heartbeating (the controller fences this broker after its session times out). */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdownAllowed.completeExceptionally(new IllegalStateException("broker " + brokerId
                + " lifecycle manager closed"));
    }
}
