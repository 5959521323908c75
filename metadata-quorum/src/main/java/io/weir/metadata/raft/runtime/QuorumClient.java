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
 * Calls the quorum's leader from outside it ({@code weir quorum describe}, tools): asks any voter, follows
 * NOT_CONTROLLER redirects to the leader, tries the next voter when one does not answer, and gives up after
 * {@code controller.quorum.request.timeout.ms}. Thread-safe.
 */
public final class QuorumClient implements AutoCloseable {

    private final VoterChannels channels;
    private final long requestTimeoutMs;

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
        ProposeRequest request = ProposeRequest.newBuilder().setData(ByteString.copyFrom(data))
                .build();
        return callLeader(stub -> stub.propose(request), ProposeResponse::getErrorCode,
                ProposeResponse::getErrorMessage, ProposeResponse::getLeader).getIndex();
    }

    private <T> T callLeader(Function<RaftServiceGrpc.RaftServiceBlockingStub, T> call,
                             Function<T, ErrorCode> errorCode, Function<T, String> errorMessage,
                             Function<T, RaftLeader> leader) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
        int target = channels.next(-1);
        String lastError = "no voter answered";
        while (System.nanoTime() - deadline < 0) {
            long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            T response;
            try {
                response = call.apply(RaftServiceGrpc.newBlockingStub(channels.channel(target))
                        .withDeadlineAfter(remainingMs, TimeUnit.MILLISECONDS));
            } catch (StatusRuntimeException e) {
                lastError = "node " + target + ": " + e.getStatus();
                target = channels.next(target);
                continue;
            }
            ErrorCode code = errorCode.apply(response);
            if (code == ErrorCode.NONE) {
                return response;
            }
            lastError = "node " + target + ": " + code + " " + errorMessage.apply(response);
            if (code != ErrorCode.NOT_CONTROLLER) {
                throw new IllegalStateException(lastError);
            }
            int hint = leader.apply(response).getId();
            if (hint != target && channels.isVoter(hint)) {
                target = hint;
            } else {
                // No leader known yet (an election): pause briefly, bounded by the deadline, then ask around.
                target = channels.next(target);
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
