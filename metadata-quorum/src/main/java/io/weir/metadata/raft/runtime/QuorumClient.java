package io.weir.metadata.raft.runtime;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.weir.proto.v1.DescribeQuorumRequest;
import io.weir.proto.v1.DescribeQuorumResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.ProposeRequest;
import io.weir.proto.v1.ProposeResponse;
import io.weir.proto.v1.RaftLeader;
import io.weir.proto.v1.RaftServiceGrpc;
import io.weir.proto.v1.ReplicaState;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Calls the quorum's leader from outside it ({@code weir quorum describe}, tools): asks a voter, follows
 * NOT_CONTROLLER redirects to the address of the leader they name (so one reachable voter is enough),
 * tries the next voter when one does not answer, and gives up after
 * {@code controller.quorum.request.timeout.ms}. Thread-safe.
 */
public final class QuorumClient implements AutoCloseable {

    private final VoterChannels channels;
    private final long requestTimeoutMs;

    /** @param voters some or all of the voters, by id: where to start asking */
    public QuorumClient(SortedMap<Integer, Endpoint> voters, long requestTimeoutMs) {
        this.channels = new VoterChannels(voters);
        this.requestTimeoutMs = requestTimeoutMs;
    }

    /** The leader's view of the quorum. */
    public QuorumInfo describeQuorum() {
        DescribeQuorumResponse r = callLeader(stub -> stub.describeQuorum(DescribeQuorumRequest.getDefaultInstance()),
                DescribeQuorumResponse::getErrorCode, DescribeQuorumResponse::getErrorMessage,
                DescribeQuorumResponse::getLeader);
        return new QuorumInfo(r.getLeader().getId(), r.getTerm(), r.getHighWatermark(), rows(r.getVotersList()),
                rows(r.getObserversList()));
    }

    /** Commits one entry through the leader; returns its index. */
    public long propose(byte[] data) {
        ProposeRequest request = ProposeRequest.newBuilder().setData(ByteString.copyFrom(data)).build();
        return callLeader(stub -> stub.propose(request), ProposeResponse::getErrorCode,
                ProposeResponse::getErrorMessage, ProposeResponse::getLeader).getIndex();
    }

    private <T> T callLeader(Function<RaftServiceGrpc.RaftServiceBlockingStub, T> call,
                             Function<T, ErrorCode> errorCode, Function<T, String> errorMessage,
                             Function<T, RaftLeader> leader) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
        int next = channels.next(-1); // the voter to ask after a failure, in turn
        Endpoint target = channels.endpoint(next);
        String lastError = "no voter answered";
        while (System.nanoTime() - deadline < 0) {
            long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            T response;
            try {
                response = call.apply(RaftServiceGrpc.newBlockingStub(channels.channel(target))
                        .withDeadlineAfter(remainingMs, TimeUnit.MILLISECONDS));
            } catch (StatusRuntimeException e) {
                lastError = target + ": " + e.getStatus();
                next = channels.next(next);
                target = channels.endpoint(next);
                continue;
            }
            ErrorCode code = errorCode.apply(response);
            if (code == ErrorCode.NONE) {
                return response;
            }
            lastError = target + ": " + code + " " + errorMessage.apply(response);
            if (code != ErrorCode.NOT_CONTROLLER) {
                throw new IllegalStateException(lastError);
            }
            RaftLeader hint = leader.apply(response);
            Endpoint hinted = hint.getId() >= 0 && !hint.getHost().isEmpty()
                    ? new Endpoint(hint.getHost(), hint.getPort()) : null;
            if (hinted != null && !hinted.equals(target)) {
                target = hinted; // the leader's address, even if it is not among the voters we were given
            } else {
                // No leader known yet (an election): pause briefly, bounded by the deadline, then ask around.
                next = channels.next(next);
                target = channels.endpoint(next);
                pause(Math.min(50, remainingMs));
            }
        }
        throw new IllegalStateException("no Raft leader answered within " + requestTimeoutMs + " ms; last error: "
                + lastError);
    }

    private static void pause(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Raft leader", e);
        }
    }

    private static List<QuorumInfo.ReplicaState> rows(List<ReplicaState> states) {
        List<QuorumInfo.ReplicaState> out = new ArrayList<>();
        for (ReplicaState s : states) {
            out.add(new QuorumInfo.ReplicaState(s.getNodeId(), s.getLogEndOffset(), s.getLag(),
                    s.getLastContactTimestampMs()));
        }
        return out;
    }

    @Override
    public void close() {
        channels.close();
    }
}
