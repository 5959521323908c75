package io.weir.metadata.raft.runtime;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.weir.metadata.raft.RaftMessage;
import io.weir.metadata.raft.RaftNode;
import io.weir.proto.v1.DescribeQuorumRequest;
import io.weir.proto.v1.DescribeQuorumResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchCommittedRequest;
import io.weir.proto.v1.FetchCommittedResponse;
import io.weir.proto.v1.ProposeRequest;
import io.weir.proto.v1.ProposeResponse;
import io.weir.proto.v1.RaftEnvelope;
import io.weir.proto.v1.RaftLeader;
import io.weir.proto.v1.RaftServiceGrpc;
import io.weir.proto.v1.ReplicaState;
import io.weir.proto.v1.SendAck;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code RaftService} of one voter: hands everything to its {@link RaftRuntime}'s driver thread and answers
 * when the runtime completes. Errors a caller can act on travel as error codes in the response
 * (NOT_CONTROLLER with the leader's address), not as gRPC status.
 */
final class RaftGrpcService extends RaftServiceGrpc.RaftServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(RaftGrpcService.class);

    private final RaftRuntime runtime;

    RaftGrpcService(RaftRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public StreamObserver<RaftEnvelope> send(StreamObserver<SendAck> responseObserver) {
        return new StreamObserver<>() {
            @Override
            public void onNext(RaftEnvelope envelope) {
                RaftMessage m;
                try {
                    m = RaftCodec.fromProto(envelope);
                } catch (IllegalArgumentException e) {
                    log.warn("Dropping a malformed Raft message: {}", e.getMessage());
                    return;
                }
                runtime.deliver(m);
            }

            @Override
            public void onError(Throwable t) {
                // The peer went away; it opens a new stream when it comes back.
            }

            @Override
            public void onCompleted() {
                if (!((ServerCallStreamObserver<SendAck>) responseObserver).isCancelled()) {
                    responseObserver.onNext(SendAck.getDefaultInstance());
                    responseObserver.onCompleted();
                }
            }
        };
    }

    @Override
    public void propose(ProposeRequest request, StreamObserver<ProposeResponse> responseObserver) {
        runtime.propose(request.getData().toByteArray()).whenComplete((index, error) -> {
            ProposeResponse.Builder b = ProposeResponse.newBuilder();
            if (error == null) {
                b.setIndex(index);
            } else {
                Failure f = failure(error);
                b.setErrorCode(f.code()).setErrorMessage(f.message()).setLeader(f.leader());
            }
            respond(responseObserver, b.build());
        });
    }

    @Override
    public void describeQuorum(DescribeQuorumRequest request, StreamObserver<DescribeQuorumResponse> responseObserver) {
        runtime.describeQuorum().whenComplete((info, error) -> {
            DescribeQuorumResponse.Builder b = DescribeQuorumResponse.newBuilder();
            if (error == null) {
                b.setLeader(leader(info.leaderId())).setTerm(info.term()).setHighWatermark(info.highWatermark());
                info.voters().forEach(r -> b.addVoters(replica(r)));
                info.observers().forEach(r -> b.addObservers(replica(r)));
            } else {
                Failure f = failure(error);
                b.setErrorCode(f.code()).setErrorMessage(f.message()).setLeader(f.leader());
            }
            respond(responseObserver, b.build());
        });
    }

    @Override
    public void fetchCommitted(FetchCommittedRequest request, StreamObserver<FetchCommittedResponse> responseObserver) {
        runtime.fetchCommitted(request).whenComplete((response, error) -> {
            if (error == null) {
                respond(responseObserver, response);
            } else {
                Failure f = failure(error);
                respond(responseObserver, FetchCommittedResponse.newBuilder().setErrorCode(f.code())
                        .setErrorMessage(f.message()).setLeader(f.leader()).build());
            }
        });
    }

    private RaftLeader leader(int leaderId) {
        RaftLeader.Builder b = RaftLeader.newBuilder().setId(leaderId);
        Endpoint e = runtime.config().voters().get(leaderId);
        if (e != null) {
            b.setHost(e.host()).setPort(e.port());
        }
        return b.build();
    }

    /** An error as the responses carry it: a code, a message, and the leader when the caller should redirect. */
    private record Failure(ErrorCode code, String message, RaftLeader leader) {
    }

    private Failure failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof NotLeaderException nle) {
            return new Failure(ErrorCode.NOT_CONTROLLER, message, leader(nle.leaderId()));
        }
        ErrorCode code = cause instanceof IllegalArgumentException ? ErrorCode.INVALID_REQUEST
                : ErrorCode.UNKNOWN_SERVER_ERROR;
        return new Failure(code, message, RaftLeader.newBuilder().setId(RaftNode.NO_LEADER).build());
    }

    private static ReplicaState replica(QuorumInfo.ReplicaState r) {
        return ReplicaState.newBuilder().setNodeId(r.replicaId()).setLogEndOffset(r.logEndOffset()).setLag(r.lag())
                .setLastContactTimestampMs(r.lastContactTimestampMs()).build();
    }

    private static <T> void respond(StreamObserver<T> observer, T response) {
        if (observer instanceof ServerCallStreamObserver<T> s && s.isCancelled()) {
            return; // the caller gave up (deadline) while the request waited
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
