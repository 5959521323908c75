package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.weir.metadata.image.PartitionRegistration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlterPartitionTest {
    private final ControllerTestEnv env = new ControllerTestEnv();
    private String topicId;
    private PartitionRegistration p;
    private int leader;
    private List<Integer> followers;

    @BeforeEach
    void partitionOnThreeBrokers() {
        env.startBrokers(4, 0);
        topicId = env.createTopic("t", 1, 3, Map.of()).topicId();
        p = env.partition("t", 0);
        leader = p.leader();
        followers = p.replicas().subList(1, 3);
    }

    private AlterPartitionRequest request(int broker, int leaderEpoch, int partitionEpoch, List<Integer> isr) {
        return new AlterPartitionRequest(broker, env.image.cluster().broker(broker).epoch(), topicId, 0,
                leaderEpoch, partitionEpoch, isr);
    }

    private void assertRefused(AlterPartitionRequest req, Errors code, String message) {
        ControllerResult<AlterPartitionResponse> r = env.logic.alterPartition(env.image, req);
        assertEquals(ApiError.of(code, message), r.response().error());
        assertNull(r.response().partition());
        assertEquals(List.of(), r.records());
    }

    @Test
    void shrinkThenExpandBumpsPartitionEpochOnly() {
        AlterPartitionResponse shrink = env.commit(env.logic.alterPartition(env.image,
                request(leader, 0, 0, List.of(leader, followers.get(0)))));
        assertEquals(ApiError.NONE, shrink.error());
        assertEquals(shrink.partition(), env.partition("t", 0));
        assertEquals(List.of(leader, followers.get(0)), shrink.partition().isr());
        assertEquals(1, shrink.partition().partitionEpoch());
        assertEquals(0, shrink.partition().leaderEpoch());
        AlterPartitionResponse expand = env.commit(env.logic.alterPartition(env.image,
                request(leader, 0, 1, p.replicas())));
        assertEquals(p.replicas(), expand.partition().isr());
        assertEquals(2, env.partition("t", 0).partitionEpoch());
    }

    @Test
    void unchangedIsrWritesNothing() {
        ControllerResult<AlterPartitionResponse> r = env.logic.alterPartition(env.image, request(leader, 0, 0, p.isr()));
        assertEquals(List.of(), r.records());
        assertEquals(p, r.response().partition());
    }

    @Test
    void staleLeaderEpochIsFenced() {
        assertRefused(request(leader, 1, 0, List.of(leader)), Errors.FENCED_LEADER_EPOCH,
                "Partition t-0 is at leader epoch 0, the request carries 1.");
    }

    @Test
    void stalePartitionEpochIsInvalidUpdateVersion() {
        env.commit(env.logic.alterPartition(env.image, request(leader, 0, 0, List.of(leader))));
        assertRefused(request(leader, 0, 0, List.of(leader, followers.get(0))), Errors.INVALID_UPDATE_VERSION,
                "Partition t-0 is at partition epoch 1, the request carries 0.");
    }

    @Test
    void onlyTheLeaderMayAlter() {
        int f = followers.get(0);
        assertRefused(request(f, 0, 0, List.of(f)), Errors.INVALID_REQUEST,
                "Broker " + f + " is not the leader of t-0 (leader: " + leader + ").");
    }

    @Test
    void isrMustContainLeaderAndBeReplicas() {
        assertRefused(request(leader, 0, 0, followers), Errors.INVALID_REQUEST,
                "The new ISR " + followers + " of t-0 does not contain the leader " + leader + ".");
        int outsider = List.of(0, 1, 2, 3).stream().filter(b -> !p.replicas().contains(b)).findFirst().orElseThrow();
        assertRefused(request(leader, 0, 0, List.of(leader, outsider)), Errors.INVALID_REQUEST,
                "The new ISR " + List.of(leader, outsider) + " of t-0 contains " + outsider
                        + ", which is not a replica " + p.replicas() + ".");
        assertRefused(request(leader, 0, 0, List.of(leader, leader)), Errors.INVALID_REQUEST,
                "The new ISR " + List.of(leader, leader) + " of t-0 has duplicate replicas.");
    }

    @Test
    void fencedReplicaMayNotJoinIsr() {
        int f = followers.get(0);
        env.fenceBySessionTimeout(f);
        PartitionRegistration now = env.partition("t", 0);
        assertRefused(request(leader, now.leaderEpoch(), now.partitionEpoch(), p.replicas()),
                Errors.INELIGIBLE_REPLICA, "Replica " + f + " of t-0 is not eligible to join the ISR: it is fenced"
                        + " or shutting down.");
    }

    @Test
    void unknownTopicPartitionAndBrokerEpoch() {
        assertRefused(new AlterPartitionRequest(leader, env.image.cluster().broker(leader).epoch(), "no-such-id", 0,
                0, 0, List.of(leader)), Errors.UNKNOWN_TOPIC_ID, "Topic id no-such-id does not exist.");
        assertRefused(new AlterPartitionRequest(leader, env.image.cluster().broker(leader).epoch(), topicId, 9,
                0, 0, List.of(leader)), Errors.UNKNOWN_TOPIC_OR_PARTITION, "Partition t-9 does not exist.");
        long epoch = env.image.cluster().broker(leader).epoch();
        ControllerResult<AlterPartitionResponse> stale = env.logic.alterPartition(env.image,
                new AlterPartitionRequest(leader, epoch + 1, topicId, 0, 0, 0, List.of(leader)));
        assertEquals(Errors.STALE_BROKER_EPOCH, stale.response().error().error());
    }
}
