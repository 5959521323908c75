package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.proto.v1.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A controller and the image it works on, standing in for the Raft log: every
 * result's records are committed at once as one entry at the next offset.
 * Owned by one test thread.
 */
final class ControllerTestEnv {
    final ControllerLogic logic;
    MetadataImage image = MetadataImage.EMPTY;
    final List<MetadataRecord> log = new ArrayList<>(); // every committed record, in order
    long nowMs = 1_000;
    private long offset = -1;

    ControllerTestEnv() {
        this(ControllerConfig.DEFAULTS);
    }

    ControllerTestEnv(ControllerConfig config) {
        this.logic = new ControllerLogic(config, new SplittableRandom(42));
    }

    <T> T commit(ControllerResult<T> result) {
        if (!result.records().isEmpty()) {
            offset++;
            image = image.apply(result.records(), offset);
            log.addAll(result.records());
        }
        return result.response();
    }

    long register(int brokerId, String rack) {
        RegisterBrokerReply reply = commit(logic.registerBroker(image, new RegisterBrokerRequest(brokerId,
                "incarnation-" + brokerId + "-" + nowMs, List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 9092 + brokerId)),
                Optional.ofNullable(rack)), nowMs));
        assertTrue(reply.error().isSuccess(), reply.error().toString());
        return reply.brokerEpoch();
    }

    BrokerHeartbeatReply heartbeat(int brokerId) {
        return heartbeat(brokerId, false);
    }

    BrokerHeartbeatReply heartbeat(int brokerId, boolean wantShutdown) {
        long epoch = image.cluster().broker(brokerId).epoch();
        return commit(logic.brokerHeartbeat(image,
                new BrokerHeartbeatRequest(brokerId, epoch, image.offset(), wantShutdown), nowMs));
    }

    /** Registers brokers 0..n-1 (racks rack0.. when {@code racks} > 0) and unfences them. */
    void startBrokers(int n, int racks) {
        for (int i = 0; i < n; i++) {
            register(i, racks > 0 ? "rack" + (i % racks) : null);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(false, heartbeat(i).isFenced());
        }
    }

    CreateTopicResult createTopic(String name, int partitions, int rf, Map<String, String> configs) {
        List<CreateTopicResult> results = commit(logic.createTopics(image,
                List.of(new CreatableTopic(name, partitions, (short) rf, configs)), false));
        return results.get(0);
    }

    TopicImage topic(String name) {
        return image.topics().topic(name);
    }

    PartitionRegistration partition(String name, int index) {
        return topic(name).partition(index);
    }

    /** Lets {@code broker}'s session run out while the others heartbeat, then fences it. */
    void fenceBySessionTimeout(int broker) {
        advance(ControllerConfig.DEFAULTS.brokerSessionTimeoutMs());
        heartbeatAllExcept(broker);
        assertEquals(List.of(broker), commit(logic.fenceStaleBrokers(image, nowMs)));
    }

    /** The partition's leader sets the ISR, as it would after followers fell behind or caught up. */
    AlterPartitionResponse alterIsr(String topic, int partition, List<Integer> isr) {
        PartitionRegistration p = partition(topic, partition);
        AlterPartitionResponse r = commit(logic.alterPartition(image, new AlterPartitionRequest(p.leader(),
                image.cluster().broker(p.leader()).epoch(), topic(topic).id(), partition, p.leaderEpoch(),
                p.partitionEpoch(), isr)));
        assertEquals(ApiError.NONE, r.error());
        return r;
    }

    void advance(long ms) {
        nowMs += ms;
    }

    /** Heartbeats every unfenced broker except {@code except}. */
    void heartbeatAllExcept(int... except) {
        outer:
        for (int id : image.cluster().brokers().values().stream().filter(b -> !b.fenced())
                .map(b -> b.id()).sorted().toList()) {
            for (int e : except) {
                if (e == id) {
                    continue outer;
                }
            }
            heartbeat(id);
        }
    }
}
