package io.weir.metadata.controller.server;

import io.grpc.stub.StreamObserver;
import io.weir.common.TopicPartition;
import io.weir.metadata.controller.AlterConfigOp;
import io.weir.metadata.controller.ApiError;
import io.weir.metadata.controller.ConfigEntry;
import io.weir.metadata.controller.CreatableTopic;
import io.weir.metadata.controller.CreateTopicResult;
import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.raft.runtime.NotLeaderException;
import io.weir.metadata.raft.runtime.ProposalLostException;
import io.weir.metadata.raft.runtime.QuorumInfo;
import io.weir.metadata.raft.runtime.QuorumOverloadedException;
import io.weir.proto.v1.AllocateProducerIdsRequest;
import io.weir.proto.v1.AllocateProducerIdsResponse;
import io.weir.proto.v1.AlterConfigsResult;
import io.weir.proto.v1.AlterPartitionRequest;
import io.weir.proto.v1.AlterPartitionResponse;
import io.weir.proto.v1.BrokerHeartbeatRequest;
import io.weir.proto.v1.BrokerHeartbeatResponse;
import io.weir.proto.v1.ConfigResourceRef;
import io.weir.proto.v1.ConfigSource;
import io.weir.proto.v1.ControllerServiceGrpc;
import io.weir.proto.v1.CreatableTopicResult;
import io.weir.proto.v1.CreatePartitionsRequest;
import io.weir.proto.v1.CreatePartitionsResponse;
import io.weir.proto.v1.CreateTopicsRequest;
import io.weir.proto.v1.CreateTopicsResponse;
import io.weir.proto.v1.DeleteTopicsRequest;
import io.weir.proto.v1.DeleteTopicsResponse;
import io.weir.proto.v1.DescribeConfigsRequest;
import io.weir.proto.v1.DescribeConfigsResponse;
import io.weir.proto.v1.DescribeConfigsResult;
import io.weir.proto.v1.DescribeQuorumRequest;
import io.weir.proto.v1.DescribeQuorumResponse;
import io.weir.proto.v1.ElectLeadersRequest;
import io.weir.proto.v1.ElectLeadersResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.IncrementalAlterConfigsRequest;
import io.weir.proto.v1.IncrementalAlterConfigsResponse;
import io.weir.proto.v1.PartitionResult;
import io.weir.proto.v1.RaftLeader;
import io.weir.proto.v1.RegisterBrokerRequest;
import io.weir.proto.v1.RegisterBrokerResponse;
import io.weir.proto.v1.ReplicaState;
import io.weir.proto.v1.TopicError;
import io.weir.proto.v1.TopicPartitionRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code ControllerService} over a {@link QuorumController}: translates the wire messages, and turns a
 * request that reached a node which is not the active controller into NOT_CONTROLLER with the leader's id
 * and address. Validation errors come back per item with the controller's messages verbatim.
 */
final class ControllerGrpcService extends ControllerServiceGrpc.ControllerServiceImplBase {

    private final QuorumController controller;

    ControllerGrpcService(QuorumController controller) {
        this.controller = controller;
    }

    /** Builds a response that carries only a request-level error. */
    @FunctionalInterface
    private interface Failure<R> {
        R build(ErrorCode code, String message, RaftLeader leader);
    }

    private static <T, R> void reply(Supplier<CompletableFuture<T>> call, StreamObserver<R> observer,
                                      Function<T, R> ok, Failure<R> failed) {
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (IllegalArgumentException e) {
            // Malformed request fields (an unknown enum value, a number out of range): the caller's fault.
            observer.onNext(failed.build(ErrorCode.INVALID_REQUEST, e.getMessage(), noLeader()));
            observer.onCompleted();
            return;
        }
        future.whenComplete((value, error) -> {
            R response;
            if (error == null) {
                response = ok.apply(value);
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                response = failure(cause, failed);
            }
            observer.onNext(response);
            observer.onCompleted();
        });
    }

    private static <R> R failure(Throwable cause, Failure<R> failed) {
        if (cause instanceof NotLeaderException nl) {
            RaftLeader.Builder leader = RaftLeader.newBuilder().setId(nl.leaderId());
            if (nl.leaderEndpoint() != null) {
                leader.setHost(nl.leaderEndpoint().host()).setPort(nl.leaderEndpoint().port());
            }
            return failed.build(ErrorCode.NOT_CONTROLLER, nl.getMessage(), leader.build());
        }
        if (cause instanceof ProposalLostException) {
            // Another leader overwrote the entry: retriable at whoever leads now.
            return failed.build(ErrorCode.NOT_CONTROLLER, cause.getMessage(), noLeader());
        }
        if (cause instanceof QuorumOverloadedException) {
            return failed.build(ErrorCode.REQUEST_TIMED_OUT, cause.getMessage(), noLeader());
        }
        return failed.build(ErrorCode.UNKNOWN_SERVER_ERROR, String.valueOf(cause.getMessage()), noLeader());
    }

    private static RaftLeader noLeader() {
        return RaftLeader.newBuilder().setId(-1).build();
    }

    @Override
    public void registerBroker(RegisterBrokerRequest request, StreamObserver<RegisterBrokerResponse> observer) {
        reply(() -> controller.registerBroker(new io.weir.metadata.controller.RegisterBrokerRequest(
                        request.getBrokerId(), request.getIncarnationId(),
                        request.getListenersList().stream()
                                .map(l -> new Endpoint(l.getName(), l.getHost(), l.getPort())).toList(),
                        request.getRack().isEmpty() ? Optional.empty() : Optional.of(request.getRack()))),
                observer,
                r -> RegisterBrokerResponse.newBuilder().setErrorCode(r.error().error().toProto())
                        .setErrorMessage(r.error().message()).setBrokerEpoch(r.brokerEpoch()).build(),
                (code, message, leader) -> RegisterBrokerResponse.newBuilder().setErrorCode(code)
                        .setErrorMessage(message).setLeader(leader).setBrokerEpoch(-1).build());
    }

    @Override
    public void brokerHeartbeat(BrokerHeartbeatRequest request, StreamObserver<BrokerHeartbeatResponse> observer) {
        reply(() -> controller.brokerHeartbeat(new io.weir.metadata.controller.BrokerHeartbeatRequest(
                        request.getBrokerId(), request.getBrokerEpoch(), request.getCurrentMetadataOffset(),
                        request.getWantShutdown())),
                observer,
                r -> BrokerHeartbeatResponse.newBuilder().setErrorCode(r.error().error().toProto())
                        .setErrorMessage(r.error().message()).setIsCaughtUp(r.isCaughtUp())
                        .setIsFenced(r.isFenced()).setInControlledShutdown(r.inControlledShutdown())
                        .setShouldShutDown(r.shouldShutDown()).build(),
                (code, message, leader) -> BrokerHeartbeatResponse.newBuilder().setErrorCode(code)
                        .setErrorMessage(message).setLeader(leader).setIsFenced(true).build());
    }

    @Override
    public void alterPartition(AlterPartitionRequest request, StreamObserver<AlterPartitionResponse> observer) {
        reply(() -> controller.alterPartition(new io.weir.metadata.controller.AlterPartitionRequest(
                        request.getBrokerId(), request.getBrokerEpoch(), request.getTopicId(), request.getPartition(),
                        request.getLeaderEpoch(), request.getPartitionEpoch(), request.getNewIsrList())),
                observer,
                r -> {
                    AlterPartitionResponse.Builder b = AlterPartitionResponse.newBuilder()
                            .setErrorCode(r.error().error().toProto()).setErrorMessage(r.error().message());
                    PartitionRegistration p = r.partition();
                    if (p != null) {
                        b.setPartitionLeader(p.leader()).setLeaderEpoch(p.leaderEpoch())
                                .setPartitionEpoch(p.partitionEpoch()).addAllIsr(p.isr()).addAllReplicas(p.replicas());
                    }
                    return b.build();
                },
                (code, message, leader) -> AlterPartitionResponse.newBuilder().setErrorCode(code)
                        .setErrorMessage(message).setLeader(leader).build());
    }

    @Override
    public void allocateProducerIds(AllocateProducerIdsRequest request,
                                    StreamObserver<AllocateProducerIdsResponse> observer) {
        reply(() -> controller.allocateProducerIds(request.getBrokerId(), request.getBrokerEpoch()), observer,
                r -> AllocateProducerIdsResponse.newBuilder().setErrorCode(r.error().error().toProto())
                        .setErrorMessage(r.error().message()).setProducerIdStart(r.firstProducerId())
                        .setProducerIdLen(r.size()).build(),
                (code, message, leader) -> AllocateProducerIdsResponse.newBuilder().setErrorCode(code)
                        .setErrorMessage(message).setLeader(leader).build());
    }

    @Override
    public void createTopics(CreateTopicsRequest request, StreamObserver<CreateTopicsResponse> observer) {
        reply(() -> {
            List<CreatableTopic> topics = new ArrayList<>();
            for (io.weir.proto.v1.CreatableTopic t : request.getTopicsList()) {
                int rf = t.getReplicationFactor();
                if (rf < Short.MIN_VALUE || rf > Short.MAX_VALUE) {
                    throw new IllegalArgumentException("Replication factor " + rf + " of topic '" + t.getName()
                            + "' is out of range.");
                }
                topics.add(new CreatableTopic(t.getName(), t.getNumPartitions(), (short) rf, t.getConfigsMap()));
            }
            return controller.createTopics(topics, request.getValidateOnly());
        }, observer, results -> {
            CreateTopicsResponse.Builder b = CreateTopicsResponse.newBuilder().setErrorCode(ErrorCode.NONE);
            for (CreateTopicResult r : results) {
                b.addTopics(CreatableTopicResult.newBuilder().setName(r.name())
                        .setErrorCode(r.error().error().toProto()).setErrorMessage(r.error().message())
                        .setTopicId(r.topicId()).setNumPartitions(r.numPartitions())
                        .setReplicationFactor(r.replicationFactor()).setWarning(r.warning().orElse("")));
            }
            return b.build();
        }, (code, message, leader) -> CreateTopicsResponse.newBuilder().setErrorCode(code)
                .setErrorMessage(message).setLeader(leader).build());
    }

    @Override
    public void deleteTopics(DeleteTopicsRequest request, StreamObserver<DeleteTopicsResponse> observer) {
        reply(() -> controller.deleteTopics(List.copyOf(request.getNamesList())), observer,
                errors -> DeleteTopicsResponse.newBuilder().setErrorCode(ErrorCode.NONE)
                        .addAllTopics(topicErrors(errors)).build(),
                (code, message, leader) -> DeleteTopicsResponse.newBuilder().setErrorCode(code)
                        .setErrorMessage(message).setLeader(leader).build());
    }

    @Override
    public void createPartitions(CreatePartitionsRequest request, StreamObserver<CreatePartitionsResponse> observer) {
        reply(() -> {
            Map<String, Integer> counts = new LinkedHashMap<>();
            request.getTopicsList().forEach(t -> counts.put(t.getName(), t.getCount()));
            return controller.createPartitions(counts);
        }, observer, errors -> CreatePartitionsResponse.newBuilder().setErrorCode(ErrorCode.NONE)
                .addAllTopics(topicErrors(errors)).build(),
                (code, message, leader) -> CreatePartitionsResponse.newBuilder().setErrorCode(code)
                        .setErrorMessage(message).setLeader(leader).build());
    }

    private static List<TopicError> topicErrors(Map<String, ApiError> errors) {
        List<TopicError> out = new ArrayList<>();
        errors.forEach((name, e) -> out.add(TopicError.newBuilder().setName(name)
                .setErrorCode(e.error().toProto()).setErrorMessage(e.message()).build()));
        return out;
    }

    @Override
    public void describeConfigs(DescribeConfigsRequest request, StreamObserver<DescribeConfigsResponse> observer) {
        reply(() -> controller.describeConfigs(request.getResourcesList().stream()
                        .map(ControllerGrpcService::resource).toList()),
                observer, results -> {
                    DescribeConfigsResponse.Builder b = DescribeConfigsResponse.newBuilder()
                            .setErrorCode(ErrorCode.NONE);
                    results.forEach((resource, r) -> {
                        DescribeConfigsResult.Builder rb = DescribeConfigsResult.newBuilder()
                                .setResource(ref(resource)).setErrorCode(r.error().error().toProto())
                                .setErrorMessage(r.error().message());
                        for (ConfigEntry e : r.entries()) {
                            rb.addEntries(DescribeConfigsResult.Entry.newBuilder().setName(e.name())
                                    .setValue(e.value() == null ? "" : e.value())
                                    .setSource(ConfigSource.valueOf("CONFIG_SOURCE_" + e.source().name())));
                        }
                        b.addResults(rb);
                    });
                    return b.build();
                },
                (code, message, leader) -> DescribeConfigsResponse.newBuilder().setErrorCode(code)
                        .setErrorMessage(message).setLeader(leader).build());
    }

    @Override
    public void incrementalAlterConfigs(IncrementalAlterConfigsRequest request,
                                        StreamObserver<IncrementalAlterConfigsResponse> observer) {
        reply(() -> {
            Map<ConfigResource, List<AlterConfigOp>> changes = new LinkedHashMap<>();
            for (IncrementalAlterConfigsRequest.Resource r : request.getResourcesList()) {
                List<AlterConfigOp> ops = new ArrayList<>();
                for (IncrementalAlterConfigsRequest.Op op : r.getOpsList()) {
                    AlterConfigOp.OpType type = switch (op.getType()) {
                        case ALTER_CONFIG_OP_SET -> AlterConfigOp.OpType.SET;
                        case ALTER_CONFIG_OP_DELETE -> AlterConfigOp.OpType.DELETE;
                        case ALTER_CONFIG_OP_APPEND -> AlterConfigOp.OpType.APPEND;
                        case ALTER_CONFIG_OP_SUBTRACT -> AlterConfigOp.OpType.SUBTRACT;
                        case UNRECOGNIZED -> throw new IllegalArgumentException("unknown config operation type "
                                + op.getTypeValue() + " for " + op.getName());
                    };
                    ops.add(new AlterConfigOp(op.getName(), type, op.hasValue() ? op.getValue() : null));
                }
                changes.computeIfAbsent(resource(r.getResource()), k -> new ArrayList<>()).addAll(ops);
            }
            return controller.incrementalAlterConfigs(changes);
        }, observer, results -> {
            IncrementalAlterConfigsResponse.Builder b = IncrementalAlterConfigsResponse.newBuilder()
                    .setErrorCode(ErrorCode.NONE);
            results.forEach((resource, e) -> b.addResults(AlterConfigsResult.newBuilder().setResource(ref(resource))
                    .setErrorCode(e.error().toProto()).setErrorMessage(e.message())));
            return b.build();
        }, (code, message, leader) -> IncrementalAlterConfigsResponse.newBuilder().setErrorCode(code)
                .setErrorMessage(message).setLeader(leader).build());
    }

    private static ConfigResource resource(ConfigResourceRef ref) {
        return new ConfigResource(ConfigResource.Type.fromProto(ref.getType()), ref.getName());
    }

    private static ConfigResourceRef ref(ConfigResource resource) {
        return ConfigResourceRef.newBuilder().setType(resource.type().toProto()).setName(resource.name()).build();
    }

    @Override
    public void electLeaders(ElectLeadersRequest request, StreamObserver<ElectLeadersResponse> observer) {
        reply(() -> {
            io.weir.metadata.controller.ElectionType type = switch (request.getType()) {
                case ELECTION_TYPE_PREFERRED -> io.weir.metadata.controller.ElectionType.PREFERRED;
                case ELECTION_TYPE_UNCLEAN -> io.weir.metadata.controller.ElectionType.UNCLEAN;
                case UNRECOGNIZED -> throw new IllegalArgumentException("unknown election type "
                        + request.getTypeValue());
            };
            List<TopicPartition> partitions = request.getAllPartitions() ? null : request.getPartitionsList()
                    .stream().map(p -> new TopicPartition(p.getTopic(), p.getPartition())).toList();
            return controller.electLeaders(type, partitions);
        }, observer, results -> {
            ElectLeadersResponse.Builder b = ElectLeadersResponse.newBuilder().setErrorCode(ErrorCode.NONE);
            results.forEach((tp, e) -> b.addPartitions(PartitionResult.newBuilder()
                    .setPartition(TopicPartitionRef.newBuilder().setTopic(tp.topic()).setPartition(tp.partition()))
                    .setErrorCode(e.error().toProto()).setErrorMessage(e.message())));
            return b.build();
        }, (code, message, leader) -> ElectLeadersResponse.newBuilder().setErrorCode(code)
                .setErrorMessage(message).setLeader(leader).build());
    }

    @Override
    public void describeQuorum(DescribeQuorumRequest request, StreamObserver<DescribeQuorumResponse> observer) {
        reply(controller::describeQuorum, observer, q -> DescribeQuorumResponse.newBuilder()
                .setErrorCode(ErrorCode.NONE).setLeader(RaftLeader.newBuilder().setId(q.leaderId()))
                .setTerm(q.term()).setHighWatermark(q.highWatermark())
                .addAllVoters(q.voters().stream().map(ControllerGrpcService::replica).toList())
                .addAllObservers(q.observers().stream().map(ControllerGrpcService::replica).toList()).build(),
                (code, message, leader) -> DescribeQuorumResponse.newBuilder().setErrorCode(code)
                        .setErrorMessage(message).setLeader(leader).build());
    }

    private static ReplicaState replica(QuorumInfo.ReplicaState r) {
        return ReplicaState.newBuilder().setNodeId(r.replicaId()).setLogEndOffset(r.logEndOffset())
                .setLag(r.lag()).setLastContactTimestampMs(r.lastContactTimestampMs()).build();
    }
}
