package io.weir.metadata.controller.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.weir.metadata.controller.ControllerConfig;
import io.weir.metadata.controller.CreatableTopic;
import io.weir.metadata.controller.CreateTopicResult;
import io.weir.metadata.controller.RegisterBrokerReply;
import io.weir.metadata.controller.RegisterBrokerRequest;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.proto.v1.MetadataRecordBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The event thread's rules, with the test as Raft: it commits proposed batches when it chooses. */
class QuorumControllerCoreTest {
    private final List<MetadataRecordBatch> proposed = new ArrayList<>();
    private QuorumControllerCore core;
    private MetadataImage committed = MetadataImage.EMPTY;
    private long index;

    @BeforeEach
    void setUp() {
        core = new QuorumControllerCore(1, ControllerConfig.DEFAULTS, ControllerTimings.DEFAULTS,
                new SplittableRandom(1), (bytes, generation) -> {
                    try {
                        proposed.add(MetadataRecordBatch.parseFrom(bytes));
                    } catch (InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }, () -> new IllegalStateException("not controller"));
    }

    private void commitNext() {
        MetadataRecordBatch batch = proposed.remove(0);
        committed = committed.apply(batch.getRecordsList(), ++index);
        core.onCommitted(batch, committed);
    }

    private CompletableFuture<RegisterBrokerReply> register(int id) {
        CompletableFuture<RegisterBrokerReply> f = new CompletableFuture<>();
        core.submit((l, image, now) -> l.registerBroker(image, new RegisterBrokerRequest(id, "inc-" + id,
                List.of(new Endpoint("PLAINTEXT", "h", 9092)), Optional.empty()), now), 0, f);
        return f;
    }

    @Test
    void servesOnlyAfterItsActivationBatchCommits() {
        assertInstanceOf(IllegalStateException.class, failure(register(1)), "inactive refuses");
        core.onRaftState(true, 3, 0);
        assertEquals(1, proposed.size());
        assertEquals(0, proposed.get(0).getRecordsCount(), "the activation batch is empty");
        assertFalse(core.isActive());
        assertInstanceOf(IllegalStateException.class, failure(register(1)), "activating refuses");
        commitNext();
        assertTrue(core.isActive());
    }

    @Test
    void answersOnceEverythingBeforeHasCommittedAndDecidesOnTheLastWrittenImage() throws Exception {
        core.onRaftState(true, 3, 0);
        commitNext();
        CompletableFuture<RegisterBrokerReply> first = register(1);
        // A read-only decision (a duplicate topic check with no records) must still wait for the registration.
        CompletableFuture<List<CreateTopicResult>> second = new CompletableFuture<>();
        core.submit((l, image, now) -> {
            assertTrue(image.cluster().broker(1) != null, "the uncommitted registration is visible");
            return l.createTopics(image, List.of(new CreatableTopic("t", 1, (short) 5, Map.of())), false);
        }, 0, second);
        assertEquals(1, proposed.size(), "only the registration wrote records");
        assertFalse(first.isDone());
        assertFalse(second.isDone());
        commitNext();
        assertTrue(first.get().error().isSuccess());
        assertEquals("Replication factor: 5 larger than available brokers: 0.", second.get().get(0).error().message());
    }

    @Test
    void losingLeadershipFailsWhatWaitsAndAForeignBatchEndsTheActivation() {
        core.onRaftState(true, 3, 0);
        commitNext();
        CompletableFuture<RegisterBrokerReply> waiting = register(1);
        core.onRaftState(false, 4, 0);
        assertInstanceOf(IllegalStateException.class, failure(waiting));
        assertFalse(core.isActive());

        core.onRaftState(true, 5, 0);
        proposed.remove(0); // the old registration, now of a dead generation
        commitNext(); // activation of term 5
        assertTrue(core.isActive());
        core.onCommitted(MetadataRecordBatch.newBuilder().setWriterId(2).setTerm(6).build(), committed);
        assertFalse(core.isActive(), "another writer's entry means another leader");
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get();
            throw new AssertionError("expected a failure, got " + f.join());
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
