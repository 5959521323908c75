package io.weir.client.common.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.FetchServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A request stream (here FetchStream) against a broker that answers, stalls or ends the stream. */
class RequestStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  /** What the fake broker does with each request it reads. */
  private enum Behaviour { ECHO_MAX_WAIT, STALL, END_STREAM }

  private final AtomicInteger streamsOpened = new AtomicInteger();
  private final AtomicInteger streamsCancelled = new AtomicInteger();
  private final AtomicInteger received = new AtomicInteger(); // requests the broker read
  private volatile Behaviour behaviour = Behaviour.ECHO_MAX_WAIT;
  private Server server;
  private ManagedChannel channel;

  private void start() throws IOException {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new FetchServiceGrpc.FetchServiceImplBase() {
                  @Override
                  public StreamObserver<FetchRequest> fetchStream(StreamObserver<FetchResponse> out) {
                    streamsOpened.incrementAndGet();
                    return new StreamObserver<>() {
                      @Override
                      public void onNext(FetchRequest request) {
                        received.incrementAndGet();
                        switch (behaviour) {
                          case ECHO_MAX_WAIT ->
                              out.onNext(FetchResponse.newBuilder().setErrorMessage("" + request.getMaxWaitMs()).build());
                          case STALL -> { }
                          case END_STREAM -> out.onCompleted();
                        }
                      }

                      @Override
                      public void onError(Throwable t) {
                        streamsCancelled.incrementAndGet();
                      }

                      @Override
                      public void onCompleted() {
                        out.onCompleted();
                      }
                    };
                  }
                })
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  private RequestStream<FetchRequest, FetchResponse> open() {
    return new RequestStream<>(channel, FetchServiceGrpc.getFetchStreamMethod());
  }

  /** Completes with the answer's max-wait echo, or with the failure. */
  private static final class Outcome extends CompletableFuture<String> implements RequestStream.Handler<FetchResponse> {
    @Override
    public void onAnswer(FetchResponse response) {
      complete(response.getErrorMessage());
    }

    @Override
    public void onFailure(Throwable cause) {
      completeExceptionally(cause);
    }
  }

  private static FetchRequest request(int maxWaitMs) {
    return FetchRequest.newBuilder().setReplicaId(-1).setMaxWaitMs(maxWaitMs).build();
  }

  @Test
  void eachFetchGetsItsOwnAnswerOnOneStream() throws Exception {
    start();
    RequestStream<FetchRequest, FetchResponse> stream = open();
    for (int i = 1; i <= 3; i++) {
      Outcome outcome = new Outcome();
      stream.send(request(i), Long.MAX_VALUE, outcome);
      assertEquals("" + i, outcome.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
    }
    assertTrue(stream.usable());
    assertEquals(1, streamsOpened.get(), "one stream carries every fetch");
  }

  @Test
  void aFetchPastItsDeadlineFailsAndCancelsTheStream() throws Exception {
    behaviour = Behaviour.STALL;
    start();
    RequestStream<FetchRequest, FetchResponse> stream = open();
    Outcome outcome = new Outcome();
    stream.send(request(0), 1_000, outcome);
    Awaitility.await().atMost(WAIT).until(() -> received.get() == 1); // cancelled before it started, the broker would see nothing
    stream.expireIfLate(1_000);
    assertFalse(outcome.isDone(), "not late yet at its deadline");
    assertTrue(stream.usable());

    stream.expireIfLate(1_001);
    Awaitility.await().atMost(WAIT).until(outcome::isDone);
    assertTrue(outcome.isCompletedExceptionally());
    assertFalse(stream.usable(), "a late answer must not be taken for the next fetch's");
    Awaitility.await().atMost(WAIT).until(() -> streamsCancelled.get() == 1);
  }

  @Test
  void aBrokerEndingTheStreamFailsThePendingFetch() throws Exception {
    behaviour = Behaviour.END_STREAM;
    start();
    RequestStream<FetchRequest, FetchResponse> stream = open();
    Outcome outcome = new Outcome();
    stream.send(request(0), Long.MAX_VALUE, outcome);
    Awaitility.await().atMost(WAIT).until(outcome::isDone);
    assertTrue(outcome.isCompletedExceptionally());
    assertFalse(stream.usable());
  }

  @Test
  void aFetchOnABrokenStreamFailsAtOnce() throws Exception {
    start();
    RequestStream<FetchRequest, FetchResponse> stream = open();
    stream.close();
    Awaitility.await().atMost(WAIT).until(() -> !stream.usable());
    Outcome outcome = new Outcome();
    stream.send(request(0), Long.MAX_VALUE, outcome);
    assertTrue(outcome.isCompletedExceptionally(), "never left waiting for an answer that cannot come");
  }

  @Test
  void pipelinedRequestsGetTheirAnswersInOrderAndAllFailWithTheStream() throws Exception {
    start();
    RequestStream<FetchRequest, FetchResponse> stream = open();
    Outcome[] answered = {new Outcome(), new Outcome(), new Outcome()};
    for (int i = 0; i < answered.length; i++) {
      stream.send(request(i + 1), Long.MAX_VALUE, answered[i]);
    }
    for (int i = 0; i < answered.length; i++) {
      assertEquals("" + (i + 1), answered[i].get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
    }
    assertEquals(0, stream.pending());

    behaviour = Behaviour.STALL;
    Outcome[] stalled = {new Outcome(), new Outcome()};
    stream.send(request(0), 1_000, stalled[0]);
    stream.send(request(0), 2_000, stalled[1]);
    assertEquals(2, stream.pending());
    stream.expireIfLate(1_001); // the oldest is late: the stream goes, and both with it
    for (Outcome o : stalled) {
      Awaitility.await().atMost(WAIT).until(o::isDone);
      assertTrue(o.isCompletedExceptionally());
    }
    assertFalse(stream.usable());
  }
}
