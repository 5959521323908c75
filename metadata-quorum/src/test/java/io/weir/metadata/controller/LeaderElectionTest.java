package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.common.TopicPartition;
import io.weir.metadata.image.PartitionRegistration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {
    /** Two brokers, a 10-partition topic; broker 0 is fenced and returns, leading nothing. */
    private static ControllerTestEnv brokerZeroReturned(ControllerConfig config) {
        ControllerTestEnv env = new ControllerTestEnv(config);
        env.startBrokers(2, 0);
        env.createTopic("t", 10, 2, Map.of());
        env.fenceBySessionTimeout(0);
        env.heartbeat(0);
        assertTrue(env.image.cluster().isActive(0));
        return env;
    }

    private static List<Integer> preferredBy(ControllerTestEnv env, int broker) {
        List<Integer> out = new ArrayList<>();
        env.topic("t").partitions().forEach((i, p) -> {
            if (p.preferredLeader() == broker) {
                out.add(i);
            }
        });
        out.sort(Integer::compare);
        return out;
    }

    /** The leader adds broker 0 back to the ISR, as it would once 0 caught up. */
    private static void rejoin(ControllerTestEnv env, int partition) {
        List<Integer> isr = new ArrayList<>(env.partition("t", partition).isr());
        isr.add(0);
        env.alterIsr("t", partition, isr);
    }

    @Test
    void preferredElectionOnDemand() {
        ControllerTestEnv env = brokerZeroReturned(ControllerConfig.DEFAULTS);
        int part = preferredBy(env, 0).get(0);
        TopicPartition tp = new TopicPartition("t", part);
        assertEquals(ApiError.of(Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                "Failed to elect leader for partition t-" + part + " under strategy PreferredElection"),
                env.logic.electLeaders(env.image, ElectionType.PREFERRED, List.of(tp)).response().get(tp));
        rejoin(env, part);
        int epoch = env.partition("t", part).leaderEpoch();
        assertEquals(ApiError.NONE,
                env.commit(env.logic.electLeaders(env.image, ElectionType.PREFERRED, List.of(tp))).get(tp));
        assertEquals(0, env.partition("t", part).leader());
        assertEquals(epoch + 1, env.partition("t", part).leaderEpoch());
        assertEquals(ApiError.of(Errors.ELECTION_NOT_NEEDED, "Leader election not needed for topic partition."),
                env.logic.electLeaders(env.image, ElectionType.PREFERRED, List.of(tp)).response().get(tp));
        TopicPartition missing = new TopicPartition("t", 99);
        assertEquals(ApiError.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Partition t-99 does not exist."),
                env.logic.electLeaders(env.image, ElectionType.PREFERRED, List.of(missing)).response().get(missing));
    }

    @Test
    void preferredElectionOfAllPartitionsReportsEachOne() {
        ControllerTestEnv env = brokerZeroReturned(ControllerConfig.DEFAULTS);
        List<Integer> mine = preferredBy(env, 0);
        rejoin(env, mine.get(0));
        Map<TopicPartition, ApiError> r = env.commit(env.logic.electLeaders(env.image, ElectionType.PREFERRED, null));
        assertEquals(mine.size(), r.size());
        assertEquals(ApiError.NONE, r.get(new TopicPartition("t", mine.get(0))));
        assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE, r.get(new TopicPartition("t", mine.get(1))).error());
    }

    @Test
    void automaticRebalanceGivesReturningBrokerItsLeadershipsBack() {
        ControllerTestEnv env = brokerZeroReturned(ControllerConfig.DEFAULTS);
        List<Integer> mine = preferredBy(env, 0);
        mine.forEach(p -> rejoin(env, p));
        List<TopicPartition> moved = env.commit(env.logic.maybeBalancePartitionLeaders(env.image));
        assertEquals(mine.stream().map(p -> new TopicPartition("t", p)).toList(), moved);
        mine.forEach(p -> assertEquals(0, env.partition("t", p).leader()));
        assertEquals(List.of(), env.logic.maybeBalancePartitionLeaders(env.image).response());
    }

    @Test
    void automaticRebalanceWaitsUntilImbalanceExceedsThePercentage() {
        ControllerTestEnv env = brokerZeroReturned(ControllerConfig.DEFAULTS);
        List<Integer> mine = preferredBy(env, 0);
        assertEquals(5, mine.size());
        mine.forEach(p -> rejoin(env, p));
        // 4 of 5 back by hand: 1 of 5 not led is 20% > 10%, so the balancer moves the last one.
        for (int p : mine.subList(0, 4)) {
            env.commit(env.logic.electLeaders(env.image, ElectionType.PREFERRED, List.of(new TopicPartition("t", p))));
        }
        assertEquals(List.of(new TopicPartition("t", mine.get(4))),
                env.logic.maybeBalancePartitionLeaders(env.image).response());

        ControllerConfig lenient = new ControllerConfig(9000, 1, (short) 1, true, 20, false);
        ControllerTestEnv env2 = brokerZeroReturned(lenient);
        preferredBy(env2, 0).forEach(p -> rejoin(env2, p));
        for (int p : preferredBy(env2, 0).subList(0, 4)) {
            env2.commit(env2.logic.electLeaders(env2.image, ElectionType.PREFERRED,
                    List.of(new TopicPartition("t", p))));
        }
        assertEquals(List.of(), env2.logic.maybeBalancePartitionLeaders(env2.image).response(),
                "20% is not more than leader.imbalance.per.broker.percentage=20");
    }

    @Test
    void noAutomaticRebalanceWhenDisabled() {
        ControllerTestEnv env = brokerZeroReturned(ControllerConfig.fromProperties(
                Map.of("auto.leader.rebalance.enable", "false")));
        preferredBy(env, 0).forEach(p -> rejoin(env, p));
        ControllerResult<List<TopicPartition>> r = env.logic.maybeBalancePartitionLeaders(env.image);
        assertEquals(List.of(), r.response());
        assertEquals(List.of(), r.records());
    }

    @Test
    void uncleanElectionOnDemand() {
        ControllerTestEnv env = new ControllerTestEnv();
        env.startBrokers(2, 0);
        env.createTopic("t", 1, 2, Map.of());
        PartitionRegistration p = env.partition("t", 0);
        int leader = p.leader();
        int follower = 1 - leader;
        TopicPartition tp = new TopicPartition("t", 0);
        assertEquals(Errors.ELECTION_NOT_NEEDED,
                env.logic.electLeaders(env.image, ElectionType.UNCLEAN, List.of(tp)).response().get(tp).error());
        env.alterIsr("t", 0, List.of(leader));
        env.fenceBySessionTimeout(leader);
        assertTrue(env.partition("t", 0).isOffline());
        // The follower is down too: nobody can lead, even uncleanly.
        env.fenceBySessionTimeout(follower);
        assertEquals(ApiError.of(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
                "Failed to elect leader for partition t-0 under strategy UncleanElection"),
                env.logic.electLeaders(env.image, ElectionType.UNCLEAN, List.of(tp)).response().get(tp));
        env.heartbeat(follower);
        assertTrue(env.partition("t", 0).isOffline(), "unclean election is off for this topic");
        assertEquals(ApiError.NONE,
                env.commit(env.logic.electLeaders(env.image, ElectionType.UNCLEAN, List.of(tp))).get(tp));
        assertEquals(follower, env.partition("t", 0).leader());
        assertEquals(List.of(follower), env.partition("t", 0).isr());
    }
}
