package io.weir.broker.cluster;

import static io.weir.broker.TestRecords.batch;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.weir.broker.BrokerServer;
import io.weir.broker.ConsumerFetches;
import io.weir.broker.TestRecords;
import io.weir.common.record.MemoryRecords;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.FetchServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FetchService.FetchStream on a real broker: fetches handled one at a time, answers in order, a
 * fetch continuing where the stream's last answer ended, ended by a drain.
 */
class FetchStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOPIC = "streamed";

  @TempDir Path dir;
  private TestCluster cluster;

  @BeforeEach
  void setUp() {
    cluster = new TestCluster(dir, 1);
    cluster.controller.createTopic(TOPIC, 1, 1, Map.of());
    assertEquals(ErrorCode.NONE, cluster.produce(1, TOPIC, 0, -1, batch("a")).getErrorCode());
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  /** The values of the records in the i-th answer. */
  private static List<String> values(StreamRecorder<FetchResponse> answers, int i) {
    FetchResponse.PartitionData p = answers.received.get(i).getTopics(0).getPartitions(0);
    return TestRecords.entries(MemoryRecords.readableRecords(p.getRecords().asReadOnlyByteBuffer()))
        .stream().map(TestRecords.Entry::value).toList();
  }

  private StreamObserver<FetchRequest> open(StreamRecorder<FetchResponse> answers) {
    return FetchServiceGrpc.newStub(cluster.channel(1)).fetchStream(answers);
  }

  private static FetchRequest fetch(long offset, int maxWaitMs) {
    return ConsumerFetches.request(TOPIC, 0, offset, maxWaitMs, 1, 1 << 20, "");
  }

  @Test
  void answersComeInRequestOrderAndTheNextRequestWaitsForTheLastAnswer() {
    StreamRecorder<FetchResponse> answers = new StreamRecorder<>();
    StreamObserver<FetchRequest> requests = open(answers);
    // The first waits at the log end until its max wait; the second could be answered at once,
    // but the broker handles it only after the first is answered.
    requests.onNext(fetch(1, 300));
    requests.onNext(fetch(0, 0));
    await().atMost(WAIT).until(() -> answers.received.size() == 2);
    assertEquals(List.of(), values(answers, 0));
    assertEquals(List.of("a"), values(answers, 1));

    requests.onCompleted();
    assertNull(answers.ended.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join());
  }

  /** A fetch that continues the partition from where this stream's previous answer for it ended. */
  private static FetchRequest continued() {
    FetchRequest r = fetch(0, 0);
    return r.toBuilder()
        .setMaxBytes(1)
        .setTopics(0, r.getTopics(0).toBuilder()
            .setPartitions(0, r.getTopics(0).getPartitions(0).toBuilder()
                .setFetchOffset(0) // ignored
                .setContinuePrevious(true)
                .setPartitionMaxBytes(1))) // at least one whole batch is returned
        .build();
  }

  @Test
  void pipelinedContinuedFetchesEachStartWhereTheStreamsLastAnswerEnded() {
    assertEquals(ErrorCode.NONE, cluster.produce(1, TOPIC, 0, -1, batch("b", "c")).getErrorCode());
    assertEquals(ErrorCode.NONE, cluster.produce(1, TOPIC, 0, -1, batch("d")).getErrorCode());
    StreamRecorder<FetchResponse> answers = new StreamRecorder<>();
    StreamObserver<FetchRequest> requests = open(answers);
    // All sent before any answer: the client cannot know where each will start.
    requests.onNext(ConsumerFetches.request(TOPIC, 0, 0, 0, 1, 1, ""));
    for (int i = 0; i < 4; i++) {
      requests.onNext(continued());
    }
    await().atMost(WAIT).until(() -> answers.received.size() == 5);
    assertEquals(List.of("a"), values(answers, 0));
    assertEquals(List.of("b", "c"), values(answers, 1));
    assertEquals(List.of("d"), values(answers, 2));
    assertEquals(List.of(), values(answers, 3), "at the log end");
    assertEquals(List.of(), values(answers, 4), "an empty answer leaves the next fetch where it was");
    List<Long> fetchOffsets = answers.received.stream()
        .map(r -> r.getTopics(0).getPartitions(0).getFetchOffset()).toList();
    assertEquals(List.of(0L, 1L, 3L, 4L, 4L), fetchOffsets);
    requests.onCompleted();
  }

  @Test
  void continuingAPartitionTheStreamHasNotFetchedIsAnInvalidRequest() {
    StreamRecorder<FetchResponse> answers = new StreamRecorder<>();
    StreamObserver<FetchRequest> requests = open(answers);
    requests.onNext(continued());
    requests.onNext(fetch(0, 0));
    await().atMost(WAIT).until(() -> answers.received.size() == 2);
    FetchResponse.PartitionData refused = answers.received.get(0).getTopics(0).getPartitions(0);
    assertEquals(ErrorCode.INVALID_REQUEST, refused.getErrorCode());
    assertTrue(refused.getErrorMessage().contains("has not fetched"), refused.getErrorMessage());
    assertEquals(List.of("a"), values(answers, 1), "the stream goes on");
    requests.onCompleted();

    FetchResponse unary = FetchServiceGrpc.newBlockingStub(cluster.channel(1)).fetch(continued());
    assertEquals(ErrorCode.INVALID_REQUEST, unary.getTopics(0).getPartitions(0).getErrorCode());
    assertTrue(unary.getTopics(0).getPartitions(0).getErrorMessage().contains("only on a FetchStream"));
  }

  @Test
  void aBadRequestIsAnsweredWithAnErrorAndTheStreamGoesOn() {
    StreamRecorder<FetchResponse> answers = new StreamRecorder<>();
    StreamObserver<FetchRequest> requests = open(answers);
    requests.onNext(fetch(-5, 0));
    requests.onNext(fetch(0, 0));
    await().atMost(WAIT).until(() -> answers.received.size() == 2);
    assertEquals(ErrorCode.INVALID_REQUEST, answers.received.get(0).getTopics(0).getPartitions(0).getErrorCode());
    assertEquals(List.of("a"), values(answers, 1));
    assertFalse(answers.ended.isDone());
    requests.onCompleted();
  }

  @Test
  void aDrainingBrokerEndsIdleStreamsAtOnceAndBusyOnesAfterTheirAnswer() {
    StreamRecorder<FetchResponse> idle = new StreamRecorder<>();
    StreamObserver<FetchRequest> idleRequests = open(idle);
    idleRequests.onNext(fetch(0, 0));
    await().atMost(WAIT).until(() -> idle.received.size() == 1);
    StreamRecorder<FetchResponse> busy = new StreamRecorder<>();
    open(busy).onNext(fetch(1, 1_000)); // waits at the log end
    await().atMost(WAIT).until(() -> cluster.broker(1).replicaManager().delayedFetches() == 1);

    BrokerServer broker = cluster.broker(1);
    // A grace far longer than the await below: the drain ends early only if the streams end.
    CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> broker.drainRequests(120_000));
    await().atMost(WAIT).until(drained::isDone);
    assertNull(idle.ended.join());
    assertNull(busy.ended.join());
    assertEquals(1, busy.received.size(), "the waiting fetch was answered before its stream ended");
    assertEquals(List.of(), values(busy, 0));
  }

  @Test
  void largeAnswersReadIntoReusedBuffersArriveIntact() {
    // Two batches, each above the size from which the broker reads answers into pooled buffers.
    String[] first = new String[300];
    String[] second = new String[300];
    java.util.Arrays.setAll(first, i -> "x".repeat(1000) + i);
    java.util.Arrays.setAll(second, i -> "y".repeat(1000) + i);
    assertEquals(ErrorCode.NONE, cluster.produce(1, TOPIC, 0, -1, batch(first)).getErrorCode());
    assertEquals(ErrorCode.NONE, cluster.produce(1, TOPIC, 0, -1, batch(second)).getErrorCode());

    StreamRecorder<FetchResponse> answers = new StreamRecorder<>();
    StreamObserver<FetchRequest> requests = open(answers);
    // Whole batches only: each answer holds exactly one of them (the first also the batch of setUp).
    int maxBytes = 350_000;
    requests.onNext(ConsumerFetches.request(TOPIC, 0, 1, 0, 1, maxBytes, ""));
    requests.onNext(ConsumerFetches.request(TOPIC, 0, 301, 0, 1, maxBytes, ""));
    requests.onNext(ConsumerFetches.request(TOPIC, 0, 1, 0, 1, maxBytes, ""));
    await().atMost(WAIT).until(() -> answers.received.size() == 3);
    assertEquals(List.of(first), values(answers, 0));
    assertEquals(List.of(second), values(answers, 1), "the second answer reused the first's buffer");
    assertEquals(List.of(first), values(answers, 2));
    requests.onCompleted();
  }
}
