package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.PartitionRegistration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BrokerLifecycleTest {
    private final ControllerTestEnv env = new ControllerTestEnv();

    @Test
    void registeredBrokerStartsFencedWithListenersAndRack() {
        long epoch = env.register(1, "east");
        BrokerRegistration b = env.image.cluster().broker(1);
        assertTrue(b.fenced());
        assertEquals(epoch, b.epoch());
        assertEquals(Optional.of("east"), b.rack());
        assertEquals(List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9093)), b.listeners());
    }

    @Test
    void heartbeatBeforeCatchingUpKeepsBrokerFenced() {
        long epoch = env.register(1, null);
        BrokerHeartbeatReply reply = env.commit(env.logic.brokerHeartbeat(env.image,
                new BrokerHeartbeatRequest(1, epoch, epoch - 1, false), env.nowMs));
        assertFalse(reply.isCaughtUp());
        assertTrue(reply.isFenced());
        assertTrue(env.image.cluster().broker(1).fenced());
    }

    @Test
    void caughtUpHeartbeatUnfences() {
        env.register(1, null);
        BrokerHeartbeatReply reply = env.heartbeat(1);
        assertTrue(reply.isCaughtUp());
        assertFalse(reply.isFenced());
        assertFalse(env.image.cluster().broker(1).fenced());
    }

    @Test
    void heartbeatWithStaleOrUnknownEpochIsRefused() {
        long epoch = env.register(1, null);
        BrokerHeartbeatReply stale = env.commit(env.logic.brokerHeartbeat(env.image,
                new BrokerHeartbeatRequest(1, epoch - 1, 100, false), env.nowMs));
        assertEquals(Errors.STALE_BROKER_EPOCH, stale.error().error());
        assertEquals("Broker 1 is at epoch " + epoch + ", the request carries " + (epoch - 1) + ".",
                stale.error().message());
        BrokerHeartbeatReply unknown = env.commit(env.logic.brokerHeartbeat(env.image,
                new BrokerHeartbeatRequest(7, 0, 100, false), env.nowMs));
        assertEquals(Errors.BROKER_ID_NOT_REGISTERED, unknown.error().error());
        assertEquals("Broker 7 is not registered.", unknown.error().message());
    }

    @Test
    void invalidRegistrationsAreRefusedWithReason() {
        assertRegistrationError(new RegisterBrokerRequest(-1, "x", List.of(new Endpoint("P", "h", 1)),
                Optional.empty()), Errors.INVALID_REQUEST, "Invalid broker id -1: must be non-negative.");
        assertRegistrationError(new RegisterBrokerRequest(1, "", List.of(new Endpoint("P", "h", 1)),
                Optional.empty()), Errors.INVALID_REQUEST, "Broker 1 registered without an incarnation id.");
        assertRegistrationError(new RegisterBrokerRequest(1, "x", List.of(), Optional.empty()),
                Errors.INVALID_REQUEST, "Broker 1 registered without listeners.");
        assertRegistrationError(new RegisterBrokerRequest(1, "x", List.of(new Endpoint("P", "h", 70000)),
                Optional.empty()), Errors.INVALID_REQUEST, "Listener P of broker 1 has invalid port 70000.");
    }

    private void assertRegistrationError(RegisterBrokerRequest req, Errors code, String message) {
        ControllerResult<RegisterBrokerReply> r = env.logic.registerBroker(env.image, req, env.nowMs);
        assertEquals(List.of(), r.records());
        assertEquals(ApiError.of(code, message), r.response().error());
    }

    @Test
    void secondIncarnationWhileFirstHasSessionIsDuplicateThenAllowedAfterExpiry() {
        env.register(1, null);
        RegisterBrokerRequest other = new RegisterBrokerRequest(1, "other-process",
                List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9999)), Optional.empty());
        ControllerResult<RegisterBrokerReply> dup = env.logic.registerBroker(env.image, other, env.nowMs);
        assertEquals(ApiError.of(Errors.DUPLICATE_BROKER_REGISTRATION,
                "Another broker is registered with that broker id."), dup.response().error());
        env.advance(9_000);
        RegisterBrokerReply ok = env.commit(env.logic.registerBroker(env.image, other, env.nowMs));
        assertTrue(ok.error().isSuccess());
        assertEquals("other-process", env.image.cluster().broker(1).incarnationId());
    }

    @Test
    void aBrokerLetGoByControlledShutdownMayRegisterAgainAtOnce() {
        env.startBrokers(1, 0);
        assertFalse(env.heartbeat(0, true).shouldShutDown(), "the first round marks it shutting down");
        assertTrue(env.heartbeat(0, true).shouldShutDown(), "leading nothing, it is let go");
        assertTrue(env.image.cluster().broker(0).fenced());
        RegisterBrokerRequest restarted = new RegisterBrokerRequest(0, "restarted-process",
                List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092)), Optional.empty());
        RegisterBrokerReply ok = env.commit(env.logic.registerBroker(env.image, restarted, env.nowMs));
        assertTrue(ok.error().isSuccess(), ok.error().toString());
        assertEquals("restarted-process", env.image.cluster().broker(0).incarnationId());
    }

    @Test
    void reRegistrationGetsHigherEpochAndOldEpochIsStale() {
        long first = env.register(1, null);
        env.heartbeat(1);
        long second = env.register(1, null);
        assertTrue(second > first, second + " > " + first);
        assertTrue(env.image.cluster().broker(1).fenced(), "a new registration starts fenced");
        BrokerHeartbeatReply stale = env.commit(env.logic.brokerHeartbeat(env.image,
                new BrokerHeartbeatRequest(1, first, env.image.offset(), false), env.nowMs));
        assertEquals(Errors.STALE_BROKER_EPOCH, stale.error().error());
    }

    @Test
    void restartedUnfencedBrokerLosesLeadershipsOnReRegistration() {
        env.startBrokers(2, 0);
        env.createTopic("t", 1, 2, Map.of());
        int leader = env.partition("t", 0).leader();
        int other = 1 - leader;
        env.register(leader, null);
        PartitionRegistration p = env.partition("t", 0);
        assertEquals(other, p.leader());
        assertEquals(List.of(other), p.isr());
    }

    @Test
    void sessionTimeoutFencesBrokerMovesLeadershipAndShrinksIsr() {
        env.startBrokers(3, 0);
        env.createTopic("t", 3, 3, Map.of());
        env.advance(5_000);
        env.heartbeatAllExcept(1);
        env.advance(4_000);
        assertEquals(List.of(), env.commit(env.logic.fenceStaleBrokers(env.image, env.nowMs - 1)));
        List<Integer> fenced = env.commit(env.logic.fenceStaleBrokers(env.image, env.nowMs));
        assertEquals(List.of(1), fenced);
        assertTrue(env.image.cluster().broker(1).fenced());
        for (int i = 0; i < 3; i++) {
            PartitionRegistration p = env.partition("t", i);
            assertFalse(p.isr().contains(1), "ISR " + p.isr());
            assertEquals(2, p.isr().size());
            assertTrue(p.leader() != 1 && p.isr().contains(p.leader()), "leader " + p.leader());
        }
    }

    @Test
    void leaderChangeBumpsLeaderEpochAndIsrChangeBumpsPartitionEpochOnly() {
        env.startBrokers(3, 0);
        env.createTopic("t", 3, 3, Map.of());
        // Partition led by broker 1 changes leader; a partition where 1 is only a follower changes ISR only.
        int led = -1;
        int followed = -1;
        for (int i = 0; i < 3; i++) {
            if (env.partition("t", i).leader() == 1) {
                led = i;
            } else {
                followed = i;
            }
        }
        PartitionRegistration ledBefore = env.partition("t", led);
        PartitionRegistration followedBefore = env.partition("t", followed);
        env.fenceBySessionTimeout(1);
        PartitionRegistration ledAfter = env.partition("t", led);
        PartitionRegistration followedAfter = env.partition("t", followed);
        assertEquals(ledBefore.leaderEpoch() + 1, ledAfter.leaderEpoch());
        assertEquals(ledBefore.partitionEpoch() + 1, ledAfter.partitionEpoch());
        assertEquals(followedBefore.leaderEpoch(), followedAfter.leaderEpoch());
        assertEquals(followedBefore.leader(), followedAfter.leader());
        assertEquals(followedBefore.partitionEpoch() + 1, followedAfter.partitionEpoch());
    }

    @Test
    void fencingLastIsrMemberTakesPartitionOfflineKeepingIt() {
        env.startBrokers(2, 0);
        env.createTopic("t", 1, 2, Map.of());
        int first = env.partition("t", 0).leader();
        int second = 1 - first;
        env.fenceBySessionTimeout(first);
        assertEquals(second, env.partition("t", 0).leader());
        env.fenceBySessionTimeout(second);
        PartitionRegistration p = env.partition("t", 0);
        assertTrue(p.isOffline());
        assertEquals(PartitionRegistration.NO_LEADER, p.leader());
        assertEquals(List.of(second), p.isr(), "the ISR never drops below one member");
    }

    @Test
    void returningIsrMemberLeadsOfflinePartitionAgain() {
        env.startBrokers(2, 0);
        env.createTopic("t", 1, 2, Map.of());
        int first = env.partition("t", 0).leader();
        int second = 1 - first;
        env.fenceBySessionTimeout(first);
        env.fenceBySessionTimeout(second);
        assertTrue(env.partition("t", 0).isOffline());
        // The first broker returns but is not in the ISR: without unclean election it may not lead.
        env.heartbeat(first);
        assertFalse(env.image.cluster().broker(first).fenced());
        assertTrue(env.partition("t", 0).isOffline());
        int epochBefore = env.partition("t", 0).leaderEpoch();
        env.heartbeat(second);
        PartitionRegistration p = env.partition("t", 0);
        assertEquals(second, p.leader());
        assertEquals(epochBefore + 1, p.leaderEpoch());
    }

    @Test
    void uncleanElectionWhenTopicEnablesIt() {
        env.startBrokers(2, 0);
        env.createTopic("t", 1, 2, Map.of(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, "true"));
        int first = env.partition("t", 0).leader();
        int second = 1 - first;
        env.fenceBySessionTimeout(first);
        env.fenceBySessionTimeout(second);
        assertTrue(env.partition("t", 0).isOffline());
        env.heartbeat(first);
        PartitionRegistration p = env.partition("t", 0);
        assertEquals(first, p.leader(), "an out-of-sync replica leads when unclean election is on");
        assertEquals(List.of(first), p.isr());
    }

    @Test
    void uncleanElectionAtFencingTimeWhenClusterDefaultEnablesIt() {
        env.startBrokers(3, 0);
        env.createTopic("t", 1, 2, Map.of());
        PartitionRegistration p0 = env.partition("t", 0);
        int leader = p0.leader();
        int follower = p0.replicas().get(1);
        // Shrink the ISR to the leader alone, then turn unclean election on cluster-wide.
        env.alterIsr("t", 0, List.of(leader));
        env.commit(env.logic.incrementalAlterConfigs(env.image, Map.of(ConfigResource.CLUSTER_DEFAULT,
                List.of(AlterConfigOp.set("unclean.leader.election.enable", "true")))));
        env.fenceBySessionTimeout(leader);
        PartitionRegistration p = env.partition("t", 0);
        assertEquals(follower, p.leader());
        assertEquals(List.of(follower), p.isr());
    }

    @Test
    void controlledShutdownMovesLeadershipsFirstThenLetsBrokerGo() {
        env.startBrokers(3, 0);
        env.createTopic("t", 6, 2, Map.of());
        BrokerHeartbeatReply first = env.heartbeat(0, true);
        assertTrue(first.inControlledShutdown());
        assertFalse(first.shouldShutDown(), "leaderships must move before the broker may stop");
        assertFalse(first.isFenced());
        BrokerRegistration b = env.image.cluster().broker(0);
        assertTrue(b.inControlledShutdown());
        for (int i = 0; i < 6; i++) {
            PartitionRegistration p = env.partition("t", i);
            assertTrue(p.leader() != 0 && p.leader() != PartitionRegistration.NO_LEADER, "partition " + i);
            assertFalse(p.isr().contains(0), "partition " + i + " ISR " + p.isr());
        }
        BrokerHeartbeatReply second = env.heartbeat(0, true);
        assertTrue(second.shouldShutDown());
        assertTrue(second.isFenced());
        assertTrue(env.image.cluster().broker(0).fenced());
    }

    @Test
    void controlledShutdownOfSoleIsrMemberTakesPartitionOffline() {
        env.startBrokers(1, 0);
        env.createTopic("t", 1, 1, Map.of());
        env.heartbeat(0, true);
        PartitionRegistration p = env.partition("t", 0);
        assertTrue(p.isOffline());
        assertEquals(List.of(0), p.isr());
        assertTrue(env.heartbeat(0, true).shouldShutDown());
    }

    @Test
    void fencedBrokerAskingToShutDownMayStopAtOnce() {
        env.register(1, null);
        ControllerResult<BrokerHeartbeatReply> r = env.logic.brokerHeartbeat(env.image,
                new BrokerHeartbeatRequest(1, env.image.cluster().broker(1).epoch(), -1, true), env.nowMs);
        assertEquals(List.of(), r.records());
        assertTrue(r.response().shouldShutDown());
    }

    @Test
    void shutDownBrokerComesBackByRegisteringAgain() {
        env.startBrokers(2, 0);
        env.heartbeat(0, true);
        env.heartbeat(0, true);
        assertTrue(env.image.cluster().broker(0).fenced());
        env.advance(10_000);
        env.register(0, null);
        BrokerRegistration b = env.image.cluster().broker(0);
        assertFalse(b.inControlledShutdown());
        env.heartbeat(0);
        assertTrue(env.image.cluster().broker(0).isActive());
    }

    @Test
    void newActiveControllerGivesEveryBrokerAFullSession() {
        env.startBrokers(2, 0);
        env.advance(60_000);
        ControllerLogic successor = new ControllerLogic(ControllerConfig.DEFAULTS, new SplittableRandom(1));
        assertEquals(List.of(), successor.fenceStaleBrokers(env.image, env.nowMs).response());
        assertEquals(List.of(), successor.fenceStaleBrokers(env.image, env.nowMs + 8_999).response());
        assertEquals(List.of(0, 1), successor.fenceStaleBrokers(env.image, env.nowMs + 9_000).response());
    }

    @Test
    void unregisteringAnActiveBrokerMovesItsLeadershipsFirst() {
        env.startBrokers(2, 0);
        env.createTopic("t", 2, 2, Map.of());
        ApiError r = env.commit(env.logic.unregisterBroker(env.image, 0));
        assertEquals(ApiError.NONE, r);
        assertEquals(null, env.image.cluster().broker(0));
        for (int i = 0; i < 2; i++) {
            assertEquals(1, env.partition("t", i).leader());
            assertEquals(List.of(1), env.partition("t", i).isr());
        }
        assertEquals(ApiError.of(Errors.BROKER_ID_NOT_REGISTERED, "Broker 0 is not registered."),
                env.logic.unregisterBroker(env.image, 0).response());
    }
}
