package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.common.TopicPartition;
import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.ConfigResource;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.proto.v1.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Drives {@link ControllerLogic} with brokers that register, heartbeat, die,
 * return and shut down, with topic, config, ISR and election operations and
 * controller failovers, committing each result as one log entry, and checks
 * the metadata invariants after every step. Controller settings (unclean
 * election, auto rebalance, imbalance percentage) vary by seed. A failure names its seed; rerun
 * one with {@code -Dweir.sim.seed=N}. Seeds: {@code weir.sim.seeds} (root pom).
 *
 * <p>The log here is a list, not Raft, which keeps many steps per seed cheap;
 * {@code io.weir.metadata.raft.sim.ControllerRaftSimulationTest} drives the
 * same logic through the simulated Raft cluster and its faults.
 */
class ControllerSimulationTest {
    private static final int STEPS = 300;
    private static final String[] TOPIC_NAMES = {"a", "b", "c", "d.e", "f"};

    @Test
    void invariantsHoldUnderRandomLifecycleAndTopicOperations() {
        String one = System.getProperty("weir.sim.seed");
        if (one != null) {
            new Simulation(Long.parseLong(one), new Coverage()).run();
            return;
        }
        int seeds = Integer.getInteger("weir.sim.seeds", 100);
        Coverage coverage = new Coverage();
        for (long seed = 1; seed <= seeds; seed++) {
            Simulation sim = new Simulation(seed, coverage);
            sim.run();
            if (seed % 25 == 0) {
                Simulation again = new Simulation(seed, new Coverage());
                again.run();
                assertEquals(sim.entries, again.entries, "seed " + seed + " decides the same records every time");
            }
        }
        // The transitions the invariants are about must actually happen, or the run proves little.
        assertTrue(coverage.sessionFencings > 0, coverage.toString());
        assertTrue(coverage.wentOffline > 0, coverage.toString());
        assertTrue(coverage.backOnline > 0, coverage.toString());
        assertTrue(coverage.uncleanElections > 0, coverage.toString());
        assertTrue(coverage.controlledShutdowns > 0, coverage.toString());
        assertTrue(coverage.staleAlterPartitions > 0, coverage.toString());
        assertTrue(coverage.leaderChanges > 0, coverage.toString());
    }

    /** Counts of interesting transitions over all seeds. Owned by the test thread. */
    private static final class Coverage {
        int sessionFencings;
        int wentOffline;
        int backOnline;
        int uncleanElections;
        int controlledShutdowns;
        int staleAlterPartitions;
        int leaderChanges;

        @Override
        public String toString() {
            return "sessionFencings=" + sessionFencings + " wentOffline=" + wentOffline + " backOnline=" + backOnline
                    + " uncleanElections=" + uncleanElections + " controlledShutdowns=" + controlledShutdowns
                    + " staleAlterPartitions=" + staleAlterPartitions + " leaderChanges=" + leaderChanges;
        }
    }

    /** One brokers' view: whether its process runs and how far it applied the log. */
    private static final class SimBroker {
        final int id;
        final Optional<String> rack;
        boolean running;
        long epoch = -1;
        int incarnation;
        long appliedOffset = -1;
        long lastContactMs; // last heartbeat or registration the current controller saw, or its takeover

        SimBroker(int id, Optional<String> rack) {
            this.id = id;
            this.rack = rack;
        }
    }

    private record PartitionKey(String topicId, int partition) {
    }

    private static final class Simulation {
        final long seed;
        final Coverage coverage;
        final SplittableRandom random;
        final ControllerConfig config;
        ControllerLogic logic;
        MetadataImage image = MetadataImage.EMPTY;
        long nowMs = 1_000_000;
        int step;
        final List<SimBroker> brokers = new ArrayList<>();
        final List<List<MetadataRecord>> entries = new ArrayList<>(); // committed log, one entry per result
        final List<MetadataImage> imageAt = new ArrayList<>(); // image after entry i, for comparing nodes
        final Map<PartitionKey, PartitionRegistration> lastSeen = new HashMap<>();
        final Map<String, Integer> leaderAtEpoch = new HashMap<>(); // "topicId/partition/epoch" -> leader
        final Map<Integer, Long> lastBrokerEpoch = new HashMap<>();
        MetadataImage follower = MetadataImage.EMPTY; // a second node applying the log with a lag
        int followerNext;

        Simulation(long seed, Coverage coverage) {
            this.seed = seed;
            this.coverage = coverage;
            this.random = new SplittableRandom(seed);
            this.config = new ControllerConfig(ControllerConfig.DEFAULTS.brokerSessionTimeoutMs(), 1, (short) 1,
                    random.nextInt(4) != 0, random.nextInt(30), random.nextInt(5) == 0);
            this.logic = new ControllerLogic(config, new SplittableRandom(seed * 7919));
            int n = 3 + random.nextInt(4);
            int racks = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                brokers.add(new SimBroker(i, racks == 0 ? Optional.empty() : Optional.of("r" + (i % racks))));
            }
        }

        void run() {
            try {
                for (step = 0; step < STEPS; step++) {
                    nowMs += random.nextInt(3_000);
                    act();
                    advanceFollower();
                }
                checkNodesAgree(true);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " step " + step + ": " + e.getMessage(), e);
            }
        }

        private <T> T commit(ControllerResult<T> result) {
            if (!result.records().isEmpty()) {
                MetadataImage next = image.apply(result.records(), entries.size());
                entries.add(result.records());
                imageAt.add(next);
                image = next;
                checkInvariants();
            }
            return result.response();
        }

        private void act() {
            int dice = random.nextInt(100);
            if (dice < 30) {
                heartbeatSomeone();
            } else if (dice < 38) {
                startSomeone();
            } else if (dice < 43) {
                killSomeone();
            } else if (dice < 53) {
                fenceStale();
            } else if (dice < 60) {
                createTopic();
            } else if (dice < 63) {
                deleteTopic();
            } else if (dice < 66) {
                createPartitions();
            } else if (dice < 80) {
                alterPartition();
            } else if (dice < 85) {
                electPreferred();
            } else if (dice < 89) {
                commit(logic.maybeBalancePartitionLeaders(image));
            } else if (dice < 93) {
                toggleUnclean();
            } else if (dice < 96) {
                allocateProducerIds();
            } else if (dice < 98) {
                shutDownSomeone();
            } else {
                failover();
            }
        }

        private SimBroker anyBroker() {
            return brokers.get(random.nextInt(brokers.size()));
        }

        private void startSomeone() {
            SimBroker b = anyBroker();
            if (b.running) {
                return;
            }
            b.incarnation++;
            RegisterBrokerReply reply = commit(logic.registerBroker(image, new RegisterBrokerRequest(b.id,
                    "b" + b.id + "-" + b.incarnation, List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092)),
                    b.rack), nowMs));
            if (reply.error().error() == Errors.DUPLICATE_BROKER_REGISTRATION) {
                return; // its previous incarnation's session is still alive: retry later, as a broker does
            }
            assertEquals(ApiError.NONE, reply.error());
            BrokerRegistration reg = image.cluster().broker(b.id);
            assertTrue(reg.fenced(), "a registration starts fenced");
            Long previous = lastBrokerEpoch.put(b.id, reply.brokerEpoch());
            assertTrue(previous == null || reply.brokerEpoch() > previous, "broker epochs grow");
            b.running = true;
            b.epoch = reply.brokerEpoch();
            b.appliedOffset = -1;
            b.lastContactMs = nowMs;
        }

        private void heartbeatSomeone() {
            SimBroker b = anyBroker();
            if (!b.running) {
                return;
            }
            heartbeat(b, false);
        }

        private void heartbeat(SimBroker b, boolean wantShutdown) {
            BrokerRegistration before = image.cluster().broker(b.id);
            BrokerHeartbeatReply reply = commit(logic.brokerHeartbeat(image,
                    new BrokerHeartbeatRequest(b.id, b.epoch, b.appliedOffset, wantShutdown), nowMs));
            if (reply.error().error() == Errors.STALE_BROKER_EPOCH
                    || reply.error().error() == Errors.BROKER_ID_NOT_REGISTERED) {
                b.running = false; // a broker whose registration was replaced stops and starts over
                return;
            }
            assertEquals(ApiError.NONE, reply.error());
            b.lastContactMs = nowMs;
            BrokerRegistration after = image.cluster().broker(b.id);
            assertEquals(after.fenced(), reply.isFenced(), "reply matches the committed state");
            if (before.fenced() && !after.fenced()) {
                assertTrue(b.appliedOffset >= before.epoch(), "unfenced only once caught up");
            }
            if (reply.shouldShutDown()) {
                assertTrue(after.fenced(), "a broker allowed to stop is fenced");
                for (TopicImage t : image.topics().byId().values()) {
                    t.partitions().values().forEach(p -> assertTrue(p.leader() != b.id,
                            "a broker allowed to stop leads nothing"));
                }
                coverage.controlledShutdowns++;
                b.running = false;
            }
            // The broker catches up part of the way before its next heartbeat.
            if (image.offset() > b.appliedOffset) {
                b.appliedOffset += 1 + random.nextLong(image.offset() - b.appliedOffset);
            }
        }

        private void killSomeone() {
            anyBroker().running = false;
        }

        private void shutDownSomeone() {
            SimBroker b = anyBroker();
            if (b.running) {
                heartbeat(b, true);
            }
        }

        private void fenceStale() {
            List<Integer> fenced = commit(logic.fenceStaleBrokers(image, nowMs));
            coverage.sessionFencings += fenced.size();
            for (int id : fenced) {
                SimBroker b = brokers.get(id);
                assertTrue(!b.running || nowMs - b.lastContactMs >= config.brokerSessionTimeoutMs(),
                        "broker " + id + " fenced while heartbeating");
                assertTrue(image.cluster().broker(id).fenced());
            }
            for (SimBroker b : brokers) {
                BrokerRegistration reg = image.cluster().broker(b.id);
                if (reg != null && !reg.fenced()) {
                    assertTrue(nowMs - b.lastContactMs < config.brokerSessionTimeoutMs(),
                            "broker " + b.id + " kept unfenced without heartbeats");
                }
            }
        }

        private String anyTopicName() {
            return TOPIC_NAMES[random.nextInt(TOPIC_NAMES.length)];
        }

        private void createTopic() {
            String name = anyTopicName();
            Map<String, String> configs = random.nextInt(4) == 0
                    ? Map.of(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, "true") : Map.of();
            int active = image.cluster().activeBrokers().size();
            short rf = (short) (1 + random.nextInt(3));
            boolean existed = image.topics().topic(name) != null;
            List<CreateTopicResult> r = commit(logic.createTopics(image,
                    List.of(new CreatableTopic(name, 1 + random.nextInt(4), rf, configs)), false));
            Errors expected = existed ? Errors.TOPIC_ALREADY_EXISTS
                    : rf > active ? Errors.INVALID_REPLICATION_FACTOR : Errors.NONE;
            assertEquals(expected, r.get(0).error().error(), r.get(0).error().message());
        }

        private void deleteTopic() {
            commit(logic.deleteTopics(image, List.of(anyTopicName())));
        }

        private void createPartitions() {
            TopicImage t = image.topics().topic(anyTopicName());
            if (t != null) {
                commit(logic.createPartitions(image, Map.of(t.name(), t.partitions().size() + random.nextInt(3))));
            }
        }

        private Optional<Map.Entry<TopicImage, Integer>> anyPartition() {
            List<TopicImage> topics = new ArrayList<>(image.topics().byId().values());
            if (topics.isEmpty()) {
                return Optional.empty();
            }
            topics.sort((x, y) -> x.name().compareTo(y.name()));
            TopicImage t = topics.get(random.nextInt(topics.size()));
            return Optional.of(Map.entry(t, random.nextInt(t.partitions().size())));
        }

        private void alterPartition() {
            Optional<Map.Entry<TopicImage, Integer>> pick = anyPartition();
            if (pick.isEmpty()) {
                return;
            }
            TopicImage t = pick.get().getKey();
            int index = pick.get().getValue();
            PartitionRegistration p = t.partition(index);
            if (p.isOffline()) {
                return;
            }
            List<Integer> isr = new ArrayList<>(p.isr());
            List<Integer> outside = new ArrayList<>(p.replicas());
            outside.removeAll(isr);
            outside.removeIf(r -> !image.cluster().isActive(r));
            if (!outside.isEmpty() && random.nextBoolean()) {
                isr.add(outside.get(random.nextInt(outside.size())));
            } else if (isr.size() > 1) {
                isr.remove(Integer.valueOf(isr.stream().filter(r -> r != p.leader()).findFirst().orElseThrow()));
            }
            long brokerEpoch = image.cluster().broker(p.leader()).epoch();
            boolean stale = random.nextInt(4) == 0;
            int leaderEpoch = p.leaderEpoch() - (stale && p.leaderEpoch() > 0 ? 1 : 0);
            int partitionEpoch = p.partitionEpoch() - (stale && p.partitionEpoch() > 0 ? 1 : 0);
            boolean isStale = leaderEpoch != p.leaderEpoch() || partitionEpoch != p.partitionEpoch();
            ControllerResult<AlterPartitionResponse> r = logic.alterPartition(image, new AlterPartitionRequest(
                    p.leader(), brokerEpoch, t.id(), index, leaderEpoch, partitionEpoch, isr));
            if (isStale) {
                assertTrue(r.records().isEmpty(), "stale AlterPartition refused");
                coverage.staleAlterPartitions++;
                assertTrue(r.response().error().error() == Errors.FENCED_LEADER_EPOCH
                        || r.response().error().error() == Errors.INVALID_UPDATE_VERSION, r.response().toString());
            } else {
                assertEquals(ApiError.NONE, r.response().error());
            }
            commit(r);
        }

        private void electPreferred() {
            Optional<Map.Entry<TopicImage, Integer>> pick = anyPartition();
            pick.ifPresent(e -> commit(logic.electLeaders(image, ElectionType.PREFERRED,
                    List.of(new TopicPartition(e.getKey().name(), e.getValue())))));
        }

        private void toggleUnclean() {
            TopicImage t = image.topics().topic(anyTopicName());
            if (t != null) {
                Map<ConfigResource, ApiError> r = commit(logic.incrementalAlterConfigs(image, Map.of(
                        ConfigResource.topic(t.name()), List.of(AlterConfigOp.set(
                                TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, Boolean.toString(random.nextBoolean()))))));
                assertEquals(ApiError.NONE, r.get(ConfigResource.topic(t.name())));
            }
        }

        private void allocateProducerIds() {
            SimBroker b = anyBroker();
            if (!b.running) {
                return;
            }
            long before = image.producerIds().nextProducerId();
            ProducerIdsBlock block = commit(logic.allocateProducerIds(image, b.id, b.epoch));
            if (block.error().isSuccess()) {
                assertEquals(before, block.firstProducerId());
                assertEquals(before + ProducerIdsBlock.BLOCK_SIZE, image.producerIds().nextProducerId());
            }
        }

        /** A new active controller: same log, no soft state, so every broker gets a full session from now. */
        private void failover() {
            logic = new ControllerLogic(config, new SplittableRandom(seed * 7919 + step));
            brokers.forEach(b -> b.lastContactMs = nowMs);
            assertEquals(List.of(), commit(logic.fenceStaleBrokers(image, nowMs)), "no fencing right after failover");
        }

        private void checkInvariants() {
            Map<PartitionKey, PartitionRegistration> now = new HashMap<>();
            for (TopicImage t : image.topics().byId().values()) {
                t.partitions().forEach((index, p) -> {
                    String where = t.name() + "-" + index + " " + p;
                    assertTrue(!p.isr().isEmpty(), "ISR non-empty: " + where);
                    assertEquals(p.isr().size(), new HashSet<>(p.isr()).size(), "ISR without duplicates: " + where);
                    assertTrue(p.replicas().containsAll(p.isr()), "ISR within replicas: " + where);
                    if (p.isOffline()) {
                        for (int r : p.isr()) {
                            assertTrue(!image.cluster().isActive(r), "offline while ISR member " + r
                                    + " is active: " + where);
                        }
                    } else {
                        assertTrue(p.isr().contains(p.leader()), "leader in ISR: " + where);
                        assertTrue(image.cluster().isActive(p.leader()), "leader active: " + where);
                        Integer earlier = leaderAtEpoch.putIfAbsent(t.id() + "/" + index + "/" + p.leaderEpoch(),
                                p.leader());
                        assertTrue(earlier == null || earlier == p.leader(),
                                "two leaders " + earlier + " and " + p.leader() + " at one epoch: " + where);
                    }
                    PartitionKey key = new PartitionKey(t.id(), index);
                    PartitionRegistration before = lastSeen.get(key);
                    if (before != null) {
                        assertTrue(p.leaderEpoch() >= before.leaderEpoch(), "leader epoch went back: " + where);
                        assertTrue(p.partitionEpoch() >= before.partitionEpoch(), "partition epoch went back: "
                                + where);
                        if (p.leader() != before.leader()) {
                            assertTrue(p.leaderEpoch() > before.leaderEpoch(), "leader change bumps epoch: " + where);
                            coverage.leaderChanges++;
                        }
                        if (p.isOffline() && !before.isOffline()) {
                            coverage.wentOffline++;
                        }
                        if (!p.isOffline() && before.isOffline()) {
                            coverage.backOnline++;
                        }
                        if (!p.isOffline() && !before.isr().contains(p.leader())) {
                            coverage.uncleanElections++;
                        }
                    }
                    now.put(key, p);
                });
            }
            lastSeen.clear();
            lastSeen.putAll(now);
        }

        private void advanceFollower() {
            int target = followerNext + random.nextInt(Math.max(1, entries.size() - followerNext + 1));
            if (random.nextInt(20) == 0 && !imageAt.isEmpty()) {
                // Restart from a snapshot of some committed offset, as a broker far behind does.
                int from = random.nextInt(imageAt.size());
                follower = MetadataImage.fromSnapshot(imageAt.get(from).toSnapshot());
                followerNext = from + 1;
            }
            while (followerNext < Math.min(target, entries.size())) {
                follower = follower.apply(entries.get(followerNext), followerNext);
                followerNext++;
            }
            checkNodesAgree(false);
        }

        private void checkNodesAgree(boolean full) {
            if (followerNext > 0) {
                assertEquals(imageAt.get(followerNext - 1), follower, "follower image at offset " + (followerNext - 1));
            }
            if (full) {
                MetadataImage replayed = MetadataImage.EMPTY;
                for (int i = 0; i < entries.size(); i++) {
                    replayed = replayed.apply(entries.get(i), i);
                }
                assertEquals(image, replayed, "replaying the whole log");
                assertEquals(image, MetadataImage.fromSnapshot(image.toSnapshot()), "snapshot round trip");
                if (entries.isEmpty()) {
                    fail("the simulation committed nothing");
                }
            }
        }
    }
}
