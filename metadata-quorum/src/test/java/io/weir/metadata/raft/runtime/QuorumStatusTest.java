package io.weir.metadata.raft.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.weir.proto.v1.DescribeQuorumRequest;
import io.weir.proto.v1.DescribeQuorumResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.ProposeRequest;
import io.weir.proto.v1.ProposeResponse;
import io.weir.proto.v1.RaftServiceGrpc;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuorumStatusTest {

    @TempDir
    Path dir;

    @Test
    void aProposalToAFollowerIsRefusedWithTheLeadersIdAndAddress() throws Exception {
        try (TestQuorum q = new TestQuorum(dir, 3, Map.of())) {
            int leader = q.awaitLeader();
            int follower = q.live().stream().filter(id -> id != leader).findFirst().orElseThrow();
            Endpoint leaderEndpoint = q.config(leader).voters().get(leader);

            ExecutionException local = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> q.runtime(follower).propose(KvStateMachine.set("k", "v")).get(5, TimeUnit.SECONDS));
            NotLeaderException nle = assertInstanceOf(NotLeaderException.class, local.getCause());
            assertEquals(leader, nle.leaderId());
            assertEquals(leaderEndpoint, nle.leaderEndpoint());

            Endpoint followerEndpoint = q.config(follower).voters().get(follower);
            ManagedChannel channel = NettyChannelBuilder.forAddress(followerEndpoint.host(), followerEndpoint.port())
                    .usePlaintext().build();
            try {
                RaftServiceGrpc.RaftServiceBlockingStub stub = RaftServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(5, TimeUnit.SECONDS);
                ProposeResponse refused = stub.propose(ProposeRequest.newBuilder()
                        .setData(ByteString.copyFrom(KvStateMachine.set("k", "v"))).build());
                assertEquals(ErrorCode.NOT_CONTROLLER, refused.getErrorCode());
                assertEquals(leader, refused.getLeader().getId());
                assertEquals(leaderEndpoint.host(), refused.getLeader().getHost());
                assertEquals(leaderEndpoint.port(), refused.getLeader().getPort());

                DescribeQuorumResponse describe = RaftServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(5, TimeUnit.SECONDS)
                        .describeQuorum(DescribeQuorumRequest.getDefaultInstance());
                assertEquals(ErrorCode.NOT_CONTROLLER, describe.getErrorCode());
                assertEquals(leader, describe.getLeader().getId());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertEquals(null, q.machine(leader).get("k"), "the refused proposal was not appended anywhere");
        }
    }

    @Test
    void theQuorumClientFollowsTheRedirectAndCommitsThroughTheLeader() throws Exception {
        try (TestQuorum q = new TestQuorum(dir, 3, Map.of())) {
            int leader = q.awaitLeader();
            int follower = q.live().stream().filter(id -> id != leader).findFirst().orElseThrow();
            // Only the follower is listed, so the client must learn the leader from the refusal.
            SortedMap<Integer, Endpoint> onlyFollower = new TreeMap<>(q.config(1).voters());
            onlyFollower.keySet().removeIf(id -> id != follower);
            try (QuorumClient viaFollower = new QuorumClient(onlyFollower, 5000)) {
                long index = viaFollower.propose(KvStateMachine.set("via-client", "1"));
                await().atMost(Duration.ofSeconds(10)).until(() -> q.runtime(leader).appliedIndex() >= index);
                assertEquals("1", q.machine(leader).get("via-client"));
            }
        }
    }

    @Test
    void quorumStatusListsLeaderTermHighWatermarkAndEveryVoterAndObserver() throws Exception {
        try (TestQuorum q = new TestQuorum(dir, 3, Map.of())) {
            int leader = q.awaitLeader();
            long startMs = System.currentTimeMillis();
            RaftQuorumTest.commit(q.runtime(leader), "k", 100);
            KvStateMachine observed = new KvStateMachine();
            try (RaftObserver observer = RaftObserver.start(q.observerConfig(100), observed);
                 QuorumClient client = new QuorumClient(q.config(1).voters(), 5000)) {
                long hw = q.runtime(leader).commitIndex();
                await().atMost(Duration.ofSeconds(10)).until(() -> observer.appliedIndex() >= hw);

                // Asked through any voter, the client lands on the leader; rows converge once followers ack.
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    QuorumInfo info = client.describeQuorum();
                    return info.voters().stream().allMatch(v -> v.lag() == 0)
                            && info.observers().size() == 1 && info.observers().get(0).lag() == 0;
                });
                QuorumInfo info = client.describeQuorum();
                long nowMs = System.currentTimeMillis();
                assertEquals(leader, info.leaderId());
                assertEquals(q.runtime(leader).term(), info.term());
                assertTrue(info.highWatermark() >= hw, "high watermark " + info.highWatermark() + " < " + hw);
                assertEquals(List.of(1, 2, 3), info.voters().stream().map(QuorumInfo.ReplicaState::replicaId).toList());
                for (QuorumInfo.ReplicaState v : info.voters()) {
                    assertEquals(info.highWatermark(), v.logEndOffset(), "voter " + v.replicaId());
                    assertTrue(v.lastContactTimestampMs() >= startMs && v.lastContactTimestampMs() <= nowMs,
                            "voter " + v.replicaId() + " last contact " + v.lastContactTimestampMs());
                }
                QuorumInfo.ReplicaState o = info.observers().get(0);
                assertEquals(100, o.replicaId());
                assertEquals(observer.appliedIndex(), o.logEndOffset());
                assertTrue(o.lastContactTimestampMs() >= startMs && o.lastContactTimestampMs() <= nowMs);

                // A lagging voter shows up with its lag.
                int follower = q.live().stream().filter(id -> id != leader).findFirst().orElseThrow();
                q.kill(follower);
                RaftQuorumTest.commit(q.runtime(leader), "more", 30);
                QuorumInfo lagging = client.describeQuorum();
                QuorumInfo.ReplicaState row = lagging.voters().stream().filter(v -> v.replicaId() == follower)
                        .findFirst().orElseThrow();
                assertTrue(row.lag() >= 30, "lag " + row.lag());
                assertTrue(row.lastContactTimestampMs() <= System.currentTimeMillis());
            }
        }
    }
}
