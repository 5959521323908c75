package io.weir.metadata.broker;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.weir.metadata.raft.runtime.Endpoint;
import io.weir.proto.v1.AllocateProducerIdsRequest;
import io.weir.proto.v1.AllocateProducerIdsResponse;
import io.weir.proto.v1.AlterPartitionRequest;
import io.weir.proto.v1.AlterPartitionResponse;
import io.weir.proto.v1.BrokerHeartbeatRequest;
import io.weir.proto.v1.BrokerHeartbeatResponse;
import io.weir.proto.v1.ControllerServiceGrpc;
import io.weir.proto.v1.ControllerServiceGrpc.ControllerServiceBlockingStub;
import io.weir.proto.v1.CreatePartitionsRequest;
import io.weir.proto.v1.CreatePartitionsResponse;
import io.weir.proto.v1.CreateTopicsRequest;
import io.weir.proto.v1.CreateTopicsResponse;
import io.weir.proto.v1.DeleteTopicsRequest;
import io.weir.proto.v1.DeleteTopicsResponse;
import io.weir.proto.v1.DescribeConfigsRequest;
import io.weir.proto.v1.DescribeConfigsResponse;
import io.weir.proto.v1.DescribeQuorumRequest;
import io.weir.proto.v1.DescribeQuorumResponse;
import io.weir.proto.v1.ElectLeadersRequest;
import io.weir.proto.v1.ElectLeadersResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.IncrementalAlterConfigsRequest;
import io.weir.proto.v1.IncrementalAlterConfigsResponse;
import io.weir.proto.v1.RaftLeader;
import io.weir.proto.v1.RegisterBrokerRequest;
import io.weir.proto.v1.RegisterBrokerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The broker's (and tools') channel to the active controller (Kafka's {@code NodeToControllerChannelManager}):
 * starts from {@code controller.quorum.voters}, follows NOT_CONTROLLER answers to the controller they name,
 * tries the next voter when one does not answer or knows no leader (pausing {@code retryBackoffMs} after a
 * full round), and gives up after {@code requestTimeoutMs}, throwing {@link ControllerUnavailableException}.
 * Any other error comes back in the response for the caller to judge. Remembers the last active
 * controller, so a steady cluster costs one call per request. Thread-safe.
 */
public final class ControllerClient implements AutoCloseable {

    private final List<Endpoint> voters;
    private final long requestTimeoutMs;
    private final long retryBackoffMs;
    private final Map<Endpoint, ManagedChannel> channels = new ConcurrentHashMap<>(); // any thread
    private final ExecutorService asyncCalls; // runs the calls behind the future-returning methods
    private volatile Endpoint active; // the controller that last answered, null before any

    public ControllerClient(SortedMap<Integer, Endpoint> voters, long requestTimeoutMs, long retryBackoffMs) {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("controller.quorum.voters is empty: no controller to ask");
        }
        this.voters = List.copyOf(voters.values());
        this.requestTimeoutMs = requestTimeoutMs;
        this.retryBackoffMs = retryBackoffMs;
        this.asyncCalls = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "controller-client");
            t.setDaemon(true);
            return t;
        });
    }

    public RegisterBrokerResponse registerBroker(RegisterBrokerRequest request) {
        return call(s -> s.registerBroker(request), RegisterBrokerResponse::getErrorCode,
                RegisterBrokerResponse::getLeader);
    }

    public BrokerHeartbeatResponse brokerHeartbeat(BrokerHeartbeatRequest request) {
        return call(s -> s.brokerHeartbeat(request), BrokerHeartbeatResponse::getErrorCode,
                BrokerHeartbeatResponse::getLeader);
    }

    /**
     * Asks the controller to change a partition's ISR (the leader's {@code AlterPartitionManager} path).
     * Completes with the controller's answer, which carries the committed partition state or an error
     * such as FENCED_LEADER_EPOCH or INVALID_UPDATE_VERSION; fails with
     * {@link ControllerUnavailableException} when no controller answered in time.
     */
    public CompletableFuture<AlterPartitionResponse> alterPartition(AlterPartitionRequest request) {
        AsyncCall<AlterPartitionResponse> call = new AsyncCall<>(() -> call(s -> s.alterPartition(request),
                AlterPartitionResponse::getErrorCode, AlterPartitionResponse::getLeader));
        try {
            asyncCalls.execute(call);
        } catch (RejectedExecutionException e) {
            call.result.completeExceptionally(new ControllerUnavailableException("the controller client is closed"));
        }
        return call.result;
    }

    /** A call run on {@code asyncCalls}; one still queued at close fails rather than hangs. */
    private static final class AsyncCall<T> implements Runnable {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Supplier<T> call;

        AsyncCall(Supplier<T> call) {
            this.call = call;
        }

        @Override
        public void run() {
            try {
                result.complete(call.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    public AllocateProducerIdsResponse allocateProducerIds(AllocateProducerIdsRequest request) {
        return call(s -> s.allocateProducerIds(request), AllocateProducerIdsResponse::getErrorCode,
                AllocateProducerIdsResponse::getLeader);
    }

    public CreateTopicsResponse createTopics(CreateTopicsRequest request) {
        return call(s -> s.createTopics(request), CreateTopicsResponse::getErrorCode, CreateTopicsResponse::getLeader);
    }

    public DeleteTopicsResponse deleteTopics(DeleteTopicsRequest request) {
        return call(s -> s.deleteTopics(request), DeleteTopicsResponse::getErrorCode, DeleteTopicsResponse::getLeader);
    }

    public CreatePartitionsResponse createPartitions(CreatePartitionsRequest request) {
        return call(s -> s.createPartitions(request), CreatePartitionsResponse::getErrorCode,
                CreatePartitionsResponse::getLeader);
    }

    public DescribeConfigsResponse describeConfigs(DescribeConfigsRequest request) {
        return call(s -> s.describeConfigs(request), DescribeConfigsResponse::getErrorCode,
                DescribeConfigsResponse::getLeader);
    }

    public IncrementalAlterConfigsResponse incrementalAlterConfigs(IncrementalAlterConfigsRequest request) {
        return call(s -> s.incrementalAlterConfigs(request), IncrementalAlterConfigsResponse::getErrorCode,
                IncrementalAlterConfigsResponse::getLeader);
    }

    public ElectLeadersResponse electLeaders(ElectLeadersRequest request) {
        return call(s -> s.electLeaders(request), ElectLeadersResponse::getErrorCode, ElectLeadersResponse::getLeader);
    }

    public DescribeQuorumResponse describeQuorum(DescribeQuorumRequest request) {
        return call(s -> s.describeQuorum(request), DescribeQuorumResponse::getErrorCode,
                DescribeQuorumResponse::getLeader);
    }

    /** The controller that answered last, or null before any answer. */
    public Endpoint activeController() {
        return active;
    }

    private <T> T call(Function<ControllerServiceBlockingStub, T> rpc, Function<T, ErrorCode> errorCode,
                       Function<T, RaftLeader> leader) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
        Endpoint target = active != null ? active : voters.get(0);
        int next = 0; // the voter to try after a failure, in turn
        int failures = 0;
        List<String> errors = new ArrayList<>();
        while (System.nanoTime() - deadline < 0) {
            long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            T response;
            try {
                response = rpc.apply(ControllerServiceGrpc.newBlockingStub(channel(target))
                        .withDeadlineAfter(remainingMs, TimeUnit.MILLISECONDS));
            } catch (StatusRuntimeException e) {
                remember(errors, target + ": " + e.getStatus().getCode());
                active = null;
                target = voters.get(next++ % voters.size());
                failures++;
                pauseAfterRound(failures, deadline);
                continue;
            }
            if (errorCode.apply(response) != ErrorCode.NOT_CONTROLLER) {
                active = target;
                return response;
            }
            remember(errors, target + ": NOT_CONTROLLER");
            active = null;
            RaftLeader hint = leader.apply(response);
            Endpoint hinted = hint.getId() >= 0 && !hint.getHost().isEmpty()
                    ? new Endpoint(hint.getHost(), hint.getPort()) : null;
            if (hinted != null && !hinted.equals(target)) {
                target = hinted;
            } else {
                // No leader known, or it is still activating: ask around after a pause.
                target = voters.get(next++ % voters.size());
                failures++;
                pauseAfterRound(failures, deadline);
            }
        }
        throw new ControllerUnavailableException("no active controller answered within " + requestTimeoutMs
                + " ms; last errors: " + errors);
    }

    private static void remember(List<String> errors, String error) {
        if (errors.size() == 5) {
            errors.remove(0);
        }
        errors.add(error);
    }

    private void pauseAfterRound(int failures, long deadlineNanos) {
        if (failures % voters.size() != 0) {
            return;
        }
        long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        long pauseMs = Math.min(retryBackoffMs, Math.max(0, remainingMs));
        try {
            TimeUnit.MILLISECONDS.sleep(pauseMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControllerUnavailableException("interrupted while looking for the active controller");
        }
    }

    private ManagedChannel channel(Endpoint e) {
        return channels.computeIfAbsent(e, k -> NettyChannelBuilder.forAddress(k.host(), k.port())
                .usePlaintext()
                .build());
    }

    @Override
    public void close() {
        ControllerUnavailableException closed = new ControllerUnavailableException("the controller client is closed");
        for (Runnable queued : asyncCalls.shutdownNow()) {
            if (queued instanceof AsyncCall<?> call) {
                call.result.completeExceptionally(closed);
            }
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
