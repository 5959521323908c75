package io.weir.broker.cluster;

import static io.weir.broker.TestRecords.batch;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.weir.broker.TestRecords;
import io.weir.common.record.MemoryRecords;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.ProduceRequest;
import io.weir.proto.v1.ProduceResponse;
import io.weir.proto.v1.ProduceServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProduceService.ProduceStream on real brokers: appended and answered in request order. */
class ProduceStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private TestCluster cluster;

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The one partition's result in the i-th answer. */
  private static ProduceResponse.PartitionResponse result(StreamRecorder<ProduceResponse> answers, int i) {
    return answers.received.get(i).getTopics(0).getPartitions(0);
  }

  private static ProduceRequest produce(String topic, int acks, int timeoutMs, MemoryRecords records) {
    return ProduceRequest.newBuilder()
        .setAcks(acks)
        .setTimeoutMs(timeoutMs)
        .addTopics(ProduceRequest.TopicData.newBuilder()
            .setName(topic)
            .addPartitions(ProduceRequest.PartitionData.newBuilder()
                .setPartition(0)
                .setRecords(ByteString.copyFrom(TestRecords.bytes(records)))))
        .build();
  }

  @Test
  void aQuickAnswerWaitsForTheSlowerOneSentBeforeIt() {
    cluster = new TestCluster(dir, 3);
    cluster.controller.createTopic("ordered", 1, 3, Map.of("min.insync.replicas", "2"));
    int leader = cluster.partition("ordered", 0).leader();
    // With both followers cut off, acks=all waits out its timeout; acks=1 is done at once.
    for (int id = 1; id <= 3; id++) {
      if (id != leader) {
        cluster.cutOff(id);
      }
    }
    StreamRecorder<ProduceResponse> answers = new StreamRecorder<>();
    StreamObserver<ProduceRequest> requests = ProduceServiceGrpc.newStub(cluster.channel(leader)).produceStream(answers);
    requests.onNext(produce("ordered", -1, 1_000, batch("slow")));
    requests.onNext(produce("ordered", 1, 1_000, batch("quick")));
    await().atMost(WAIT).until(() -> answers.received.size() == 2);

    assertEquals(0, result(answers, 0).getBaseOffset(), "the first answer is the first request's");
    assertTrue(result(answers, 0).getErrorCode() != ErrorCode.NONE, "acks=all could not be met");
    assertEquals(ErrorCode.NONE, result(answers, 1).getErrorCode());
    assertEquals(1, result(answers, 1).getBaseOffset(), "appended in request order");
    requests.onCompleted();
    assertNull(answers.ended.join());
  }

  @Test
  void aDrainingBrokerAnswersWhatItReadThenEndsTheStream() {
    cluster = new TestCluster(dir, 1);
    cluster.controller.createTopic("drained", 1, 1, Map.of());
    StreamRecorder<ProduceResponse> answers = new StreamRecorder<>();
    StreamObserver<ProduceRequest> requests = ProduceServiceGrpc.newStub(cluster.channel(1)).produceStream(answers);
    requests.onNext(produce("drained", 1, 1_000, batch("a")));
    await().atMost(WAIT).until(() -> answers.received.size() == 1);

    CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> cluster.broker(1).drainRequests(120_000));
    // A grace far longer than this wait: the drain ends early only if the stream ends.
    await().atMost(WAIT).until(drained::isDone);
    assertNull(answers.ended.join());
    assertEquals(ErrorCode.NONE, result(answers, 0).getErrorCode());
  }

  @Test
  void aMalformedRequestEndsItsStreamOnlyAndTheBrokerServesOn() {
    cluster = new TestCluster(dir, 1);
    cluster.controller.createTopic("ok", 1, 1, Map.of());
    MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    MethodDescriptor<byte[], byte[]> streamRaw = ProduceServiceGrpc.getProduceStreamMethod().toBuilder(raw, raw).build();
    StreamRecorder<byte[]> answers = new StreamRecorder<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
        cluster.channel(1).newCall(streamRaw, CallOptions.DEFAULT), answers);
    requests.onNext(new byte[] {0x1a, 0x7f, 0x0a, 0x01}); // topics field claiming 127 bytes, holding 2
    StatusRuntimeException e = assertInstanceOf(StatusRuntimeException.class, answers.ended.join());
    assertTrue(answers.received.isEmpty(), "a malformed request was answered");
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    assertEquals(ErrorCode.NONE, cluster.produce(1, "ok", 0, 1, batch("fine")).getErrorCode());
  }
}
