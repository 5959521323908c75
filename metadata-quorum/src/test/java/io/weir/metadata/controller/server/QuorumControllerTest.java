package io.weir.metadata.controller.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.broker.BrokerLifecycleManager;
import io.weir.metadata.broker.ControllerClient;
import io.weir.metadata.broker.MetadataLoader;
import io.weir.metadata.controller.server.ControllerCluster.Broker;
import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.metadata.raft.runtime.QuorumConfig;
import io.weir.proto.v1.AlterPartitionRequest;
import io.weir.proto.v1.AlterPartitionResponse;
import io.weir.proto.v1.BrokerHeartbeatRequest;
import io.weir.proto.v1.ConfigResourceRef;
import io.weir.proto.v1.ConfigResourceType;
import io.weir.proto.v1.ControllerServiceGrpc;
import io.weir.proto.v1.CreatableTopic;
import io.weir.proto.v1.CreatableTopicResult;
import io.weir.proto.v1.CreateTopicsRequest;
import io.weir.proto.v1.CreateTopicsResponse;
import io.weir.proto.v1.DeleteTopicsRequest;
import io.weir.proto.v1.DescribeConfigsRequest;
import io.weir.proto.v1.DescribeConfigsResponse;
import io.weir.proto.v1.ElectLeadersRequest;
import io.weir.proto.v1.ElectLeadersResponse;
import io.weir.proto.v1.ElectionType;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.IncrementalAlterConfigsRequest;
import io.weir.proto.v1.IncrementalAlterConfigsResponse;
import io.weir.proto.v1.TopicPartitionRef;
import io.weir.proto.v1.AlterConfigOpType;
import io.weir.proto.v1.AllocateProducerIdsRequest;
import io.weir.proto.v1.AllocateProducerIdsResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three controllers on Raft over real gRPC, with brokers that register, heartbeat, stop and return. */
class QuorumControllerTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private ControllerCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static CreateTopicsRequest topic(String name, int partitions, int rf, Map<String, String> configs) {
        return CreateTopicsRequest.newBuilder().addTopics(CreatableTopic.newBuilder().setName(name)
                .setNumPartitions(partitions).setReplicationFactor(rf).putAllConfigs(configs)).build();
    }

    private static CreatableTopicResult createOne(ControllerClient client, String name, int partitions, int rf,
                                                  Map<String, String> configs) {
        CreateTopicsResponse r = client.createTopics(topic(name, partitions, rf, configs));
        assertEquals(ErrorCode.NONE, r.getErrorCode(), r.getErrorMessage());
        return r.getTopics(0);
    }

    private MetadataImage activeImage() {
        return cluster.awaitLeader().committedImage();
    }

    private boolean unfenced(int brokerId) {
        BrokerRegistration b = activeImage().cluster().broker(brokerId);
        return b != null && !b.fenced();
    }

    private List<PartitionRegistration> partitions(String topic) {
        TopicImage t = activeImage().topics().byName().get(topic);
        return t == null ? List.of() : List.copyOf(new TreeMap<>(t.partitions()).values());
    }

    @Test
    void brokerStaysFencedUntilItsMetadataCatchesUp() {
        cluster = new ControllerCluster(dir, 3, Map.of());
        cluster.awaitLeader();
        AtomicBoolean gate = new AtomicBoolean(false);
        QuorumConfig config = cluster.quorumConfig().withNodeId(11, null);
        try (MetadataLoader loader = MetadataLoader.start(config);
             ControllerClient client = new ControllerClient(config.voters(), 2000, 50);
             BrokerLifecycleManager lifecycle =
                     new BrokerLifecycleManager(11,
                             List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9011)),
                             Optional.empty(), client, 50, () -> gate.get() ? loader.offset() : -1)) {
            lifecycle.start();
            await().atMost(BOUND).until(() -> lifecycle.brokerEpoch() >= 0);
            // Registered, heartbeating, but reporting no metadata: it must stay fenced.
            await().during(Duration.ofMillis(500)).atMost(BOUND)
                    .until(() -> lifecycle.isFenced() && !lifecycle.isCaughtUp());
            assertTrue(activeImage().cluster().broker(11).fenced());
            gate.set(true);
            await().atMost(BOUND).until(() -> !lifecycle.isFenced());
            assertTrue(lifecycle.isCaughtUp());
            assertTrue(loader.offset() >= lifecycle.brokerEpoch(), "caught up means past the registration");
            assertTrue(unfenced(11));
            assertTrue(lifecycle.initialUnfenced().isDone());
        }
    }

    @Test
    void silentBrokerIsFencedAndLosesLeadershipThenReturnsAndPreferredLeadersComeBack() throws Exception {
        cluster = new ControllerCluster(dir, 3, Map.of());
        for (int id = 11; id <= 13; id++) {
            cluster.startBroker(id);
        }
        await().atMost(BOUND).until(() -> unfenced(11) && unfenced(12) && unfenced(13));
        try (ControllerClient client = cluster.client()) {
            createOne(client, "events", 3, 3, Map.of());
            await().atMost(BOUND).until(() -> partitions("events").size() == 3);
            List<PartitionRegistration> before = partitions("events");
            assertTrue(before.stream().allMatch(p -> p.leader() == p.preferredLeader()), before.toString());
            assertTrue(before.stream().anyMatch(p -> p.leader() == 11), before.toString());

            cluster.stopBroker(11);
            await("broker 11 fenced after its session").atMost(BOUND).until(() -> !unfenced(11));
            List<PartitionRegistration> fenced = partitions("events");
            for (PartitionRegistration p : fenced) {
                assertNotEquals(11, p.leader(), fenced.toString());
                assertFalse(p.isr().contains(11), fenced.toString());
                assertTrue(p.isr().contains(p.leader()), fenced.toString());
            }

            Broker back = cluster.startBroker(11);
            await("broker 11 unfenced again").atMost(BOUND).until(() -> unfenced(11));
            // The data plane would now add the follower back to the ISR; do what its AlterPartition would.
            String topicId = activeImage().topics().byName().get("events").id();
            for (int index = 0; index < 3; index++) {
                PartitionRegistration p = partitions("events").get(index);
                List<Integer> isr = new ArrayList<>(p.isr());
                isr.add(11);
                long leaderEpoch = activeImage().cluster().broker(p.leader()).epoch();
                // A request built on an older partition epoch is stale. It goes first: once 11 is back in
                // the ISR, the auto rebalance may move leadership to it and bump the leader epoch, which
                // would turn the refusal into FENCED_LEADER_EPOCH.
                AlterPartitionResponse stale = client.alterPartition(AlterPartitionRequest.newBuilder()
                        .setBrokerId(p.leader()).setBrokerEpoch(leaderEpoch).setTopicId(topicId)
                        .setPartition(index).setLeaderEpoch(p.leaderEpoch()).setPartitionEpoch(p.partitionEpoch() - 1)
                        .addAllNewIsr(isr).build()).get(10, TimeUnit.SECONDS);
                assertEquals(ErrorCode.INVALID_UPDATE_VERSION, stale.getErrorCode(), stale.getErrorMessage());
                AlterPartitionResponse r = client.alterPartition(AlterPartitionRequest.newBuilder()
                        .setBrokerId(p.leader()).setBrokerEpoch(leaderEpoch).setTopicId(topicId)
                        .setPartition(index).setLeaderEpoch(p.leaderEpoch()).setPartitionEpoch(p.partitionEpoch())
                        .addAllNewIsr(isr).build()).get(10, TimeUnit.SECONDS);
                assertEquals(ErrorCode.NONE, r.getErrorCode(), r.getErrorMessage());
                assertEquals(p.partitionEpoch() + 1, r.getPartitionEpoch());
            }
            await("auto rebalance restores preferred leaders").atMost(BOUND).until(() ->
                    partitions("events").stream().allMatch(p -> p.leader() == p.preferredLeader()));
            await().atMost(BOUND).until(() -> back.loader.image().topics().byName().containsKey("events"));
        }
    }

    @Test
    void controlledShutdownMovesLeadershipsBeforeLettingTheBrokerGo() throws Exception {
        cluster = new ControllerCluster(dir, 3, Map.of());
        List<Broker> brokers = new ArrayList<>();
        for (int id = 11; id <= 13; id++) {
            brokers.add(cluster.startBroker(id));
        }
        await().atMost(BOUND).until(() -> unfenced(11) && unfenced(12) && unfenced(13));
        try (ControllerClient client = cluster.client()) {
            createOne(client, "orders", 6, 3, Map.of());
            await().atMost(BOUND).until(() -> partitions("orders").stream().anyMatch(p -> p.leader() == 12));
            brokers.get(1).lifecycle.beginControlledShutdown().get(20, TimeUnit.SECONDS);
            // The answer comes after the moves committed, so the committed image already shows them.
            MetadataImage image = cluster.awaitLeader().committedImage();
            assertTrue(image.cluster().broker(12).fenced());
            image.topics().byName().get("orders").partitions().values()
                    .forEach(p -> assertNotEquals(12, p.leader(), p.toString()));
        }
    }

    @Test
    void validationErrorsComeBackWithKafkasMessages() {
        cluster = new ControllerCluster(dir, 3, Map.of());
        cluster.startBroker(11);
        await().atMost(BOUND).until(() -> unfenced(11));
        try (ControllerClient client = cluster.client()) {
            CreatableTopicResult rf = client.createTopics(topic("t", 1, 3, Map.of())).getTopics(0);
            assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, rf.getErrorCode());
            assertEquals("Replication factor: 3 larger than available brokers: 1.", rf.getErrorMessage());

            CreatableTopicResult name = client.createTopics(topic("bad/name", 1, 1, Map.of())).getTopics(0);
            assertEquals(ErrorCode.INVALID_TOPIC_EXCEPTION, name.getErrorCode());
            assertEquals("Topic name \"bad/name\" is illegal, it contains a character other than ASCII "
                    + "alphanumerics, '.', '_' and '-'", name.getErrorMessage());

            createOne(client, "t", 1, 1, Map.of());
            CreatableTopicResult exists = client.createTopics(topic("t", 1, 1, Map.of())).getTopics(0);
            assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, exists.getErrorCode());
            assertEquals("Topic 't' already exists.", exists.getErrorMessage());

            CreatableTopicResult config = client.createTopics(topic("u", 1, 1, Map.of("min.insync.replicas", "0")))
                    .getTopics(0);
            assertEquals(ErrorCode.INVALID_CONFIG, config.getErrorCode());
            assertTrue(config.getErrorMessage().startsWith("Invalid value 0 for configuration min.insync.replicas: "),
                    config.getErrorMessage());

            ConfigResourceRef t = ConfigResourceRef.newBuilder().setType(ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC)
                    .setName("t").build();
            IncrementalAlterConfigsResponse altered = client.incrementalAlterConfigs(IncrementalAlterConfigsRequest
                    .newBuilder().addResources(IncrementalAlterConfigsRequest.Resource.newBuilder().setResource(t)
                            .addOps(IncrementalAlterConfigsRequest.Op.newBuilder().setName("retention.ms")
                                    .setType(AlterConfigOpType.ALTER_CONFIG_OP_SET).setValue("1000"))).build());
            assertEquals(ErrorCode.NONE, altered.getResults(0).getErrorCode(), altered.getResults(0).getErrorMessage());
            DescribeConfigsResponse described = client.describeConfigs(DescribeConfigsRequest.newBuilder()
                    .addResources(t).build());
            assertTrue(described.getResults(0).getEntriesList().stream()
                    .anyMatch(e -> e.getName().equals("retention.ms") && e.getValue().equals("1000")),
                    described.toString());

            AllocateProducerIdsResponse ids = client.allocateProducerIds(AllocateProducerIdsRequest.newBuilder()
                    .setBrokerId(11).setBrokerEpoch(activeImage().cluster().broker(11).epoch()).build());
            AllocateProducerIdsResponse next = client.allocateProducerIds(AllocateProducerIdsRequest.newBuilder()
                    .setBrokerId(11).setBrokerEpoch(activeImage().cluster().broker(11).epoch()).build());
            assertEquals(ErrorCode.NONE, ids.getErrorCode(), ids.getErrorMessage());
            assertEquals(ids.getProducerIdStart() + ids.getProducerIdLen(), next.getProducerIdStart());

            ElectLeadersResponse elected = client.electLeaders(ElectLeadersRequest.newBuilder()
                    .setType(ElectionType.ELECTION_TYPE_PREFERRED).addPartitions(TopicPartitionRef.newBuilder().setTopic("t").setPartition(0)).build());
            assertEquals(ErrorCode.ELECTION_NOT_NEEDED, elected.getPartitions(0).getErrorCode());

            assertEquals(ErrorCode.NONE, client.deleteTopics(DeleteTopicsRequest.newBuilder().addNames("t").build())
                    .getTopics(0).getErrorCode());
            await().atMost(BOUND).until(() -> !activeImage().topics().byName().containsKey("t"));
        }
    }

    @Test
    void aFollowerRefusesWithTheActiveControllerAndTheClientFollows() {
        cluster = new ControllerCluster(dir, 3, Map.of());
        QuorumController leader = cluster.awaitLeader();
        int follower = cluster.liveControllers().stream().filter(id -> id != leader.nodeId()).findFirst()
                .orElseThrow();
        io.weir.metadata.raft.runtime.Endpoint at = cluster.quorumConfig().voters().get(follower);
        ManagedChannel channel = NettyChannelBuilder.forAddress(at.host(), at.port()).usePlaintext().build();
        try {
            var response = ControllerServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .brokerHeartbeat(BrokerHeartbeatRequest.newBuilder().setBrokerId(11).build());
            assertEquals(ErrorCode.NOT_CONTROLLER, response.getErrorCode());
            assertEquals(leader.nodeId(), response.getLeader().getId());
            assertEquals(cluster.quorumConfig().voters().get(leader.nodeId()).port(), response.getLeader().getPort());
        } finally {
            channel.shutdownNow();
        }
        try (ControllerClient onlyFollower = cluster.client(follower)) {
            CreatableTopicResult r = onlyFollower.createTopics(topic("x", 1, 1, Map.of())).getTopics(0);
            // No broker is registered: the request reached the active controller, which refused it on its merits.
            assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, r.getErrorCode());
            assertEquals(cluster.quorumConfig().voters().get(leader.nodeId()), onlyFollower.activeController());
        }
    }

    @Test
    void failoverKeepsTopicsAndBrokerSessions() {
        cluster = new ControllerCluster(dir, 3, Map.of());
        for (int id = 11; id <= 12; id++) {
            cluster.startBroker(id);
        }
        await().atMost(BOUND).until(() -> unfenced(11) && unfenced(12));
        try (ControllerClient client = cluster.client()) {
            createOne(client, "kept", 2, 2, Map.of());
            int old = cluster.awaitLeader().nodeId();
            cluster.kill(old);
            QuorumController next = cluster.awaitLeader();
            assertNotEquals(old, next.nodeId());
            assertTrue(next.committedImage().topics().byName().containsKey("kept"));
            // Longer than a session: the brokers re-find the new controller and are never fenced.
            AtomicLong checks = new AtomicLong();
            await().during(Duration.ofMillis(2 * ControllerCluster.SESSION_TIMEOUT_MS)).atMost(BOUND).until(() -> {
                checks.incrementAndGet();
                MetadataImage image = next.committedImage();
                return !image.cluster().broker(11).fenced() && !image.cluster().broker(12).fenced();
            });
            assertTrue(checks.get() > 1);
            // And the new controller serves: another topic, with both brokers usable.
            createOne(client, "after", 1, 2, Map.of());
            cluster.restart(old);
            await().atMost(BOUND).until(() -> cluster.controller(old).committedImage().topics().byName()
                    .containsKey("after"));
        }
    }

    @Test
    void aNewBrokerGetsTheSnapshotFirstAndBrokersAgreeAtEqualOffsets() {
        cluster = new ControllerCluster(dir, 3, Map.of(QuorumConfig.SNAPSHOT_INTERVAL_ENTRIES, "8",
                QuorumConfig.SNAPSHOT_RETAINED_ENTRIES, "2"));
        Broker first = cluster.startBroker(11);
        await().atMost(BOUND).until(() -> unfenced(11));
        try (ControllerClient client = cluster.client()) {
            for (int i = 0; i < 20; i++) {
                createOne(client, "topic-" + i, 1, 1, Map.of());
            }
        }
        Broker late = cluster.startBroker(12);
        await().atMost(BOUND).until(() -> unfenced(12));
        MetadataImage firstSeen = late.images.firstEntry().getValue();
        assertTrue(firstSeen.topics().byName().size() > 1,
                "the late broker starts from a snapshot holding many topics, not from entry 1: " + firstSeen);
        assertTrue(firstSeen.offset() > 8);
        await().atMost(BOUND).until(() -> first.loader.offset() == late.loader.offset()
                && first.loader.offset() == activeImage().offset());
        int compared = 0;
        for (Map.Entry<Long, MetadataImage> e : late.images.entrySet()) {
            MetadataImage other = first.images.get(e.getKey());
            if (other != null) {
                assertEquals(other, e.getValue(), "images at offset " + e.getKey());
                compared++;
            }
        }
        assertTrue(compared > 1, "compared " + compared + " offsets");
        await("the brokers' image equals the controller's").atMost(BOUND)
                .until(() -> activeImage().equals(late.loader.image()));
    }
}
