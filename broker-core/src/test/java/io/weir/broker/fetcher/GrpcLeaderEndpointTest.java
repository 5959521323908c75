package io.weir.broker.fetcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.weir.metadata.image.Endpoint;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.FetchServiceGrpc;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A follower's fetches to a leader that answers every request with its max wait, except those with
 * a negative max wait, which it never answers, and those with max wait 1, on which it ends the stream.
 */
class GrpcLeaderEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger cancelled = new AtomicInteger();
  private final AtomicInteger received = new AtomicInteger(); // requests the broker read
  private Server server;
  private GrpcLeaderEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new FetchServiceGrpc.FetchServiceImplBase() {
                  @Override
                  public StreamObserver<FetchRequest> fetchStream(StreamObserver<FetchResponse> out) {
                    opened.incrementAndGet();
                    return new StreamObserver<>() {
                      @Override
                      public void onNext(FetchRequest r) {
                        received.incrementAndGet();
                        if (r.getMaxWaitMs() == 1) {
                          out.onCompleted();
                        } else if (r.getMaxWaitMs() >= 0) {
                          out.onNext(FetchResponse.newBuilder().setErrorMessage("" + r.getMaxWaitMs()).build());
                        }
                      }

                      @Override
                      public void onError(Throwable t) {
                        cancelled.incrementAndGet();
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
    endpoint = new GrpcLeaderEndpoint(new Endpoint("PLAINTEXT", "127.0.0.1", server.getPort()), 1 << 20);
  }

  @AfterEach
  void stop() {
    endpoint.close();
    server.shutdownNow();
  }

  private String fetch(int maxWaitMs) throws Exception {
    return endpoint.fetch(FetchRequest.newBuilder().setMaxWaitMs(maxWaitMs).build())
        .get(WAIT.toSeconds(), TimeUnit.SECONDS).getErrorMessage();
  }

  @Test
  void fetchesShareOneStream() throws Exception {
    assertEquals("10", fetch(10));
    assertEquals("20", fetch(20));
    assertEquals(1, opened.get());
  }

  @Test
  void aFetchLeftUnansweredHasItsStreamReplaced() throws Exception {
    CompletableFuture<FetchResponse> unanswered = endpoint.fetch(FetchRequest.newBuilder().setMaxWaitMs(-1).build());
    await().atMost(WAIT).until(() -> received.get() == 1);
    // The fetcher stopped waiting for it; the next fetch must not get its late answer, nor wait behind it.
    assertEquals("30", fetch(30));
    await().atMost(WAIT).until(() -> opened.get() == 2); // the leader may start the two calls in either order
    await().atMost(WAIT).until(() -> cancelled.get() == 1);
    await().atMost(WAIT).until(unanswered::isDone);
    assertThrows(ExecutionException.class, unanswered::get);
  }

  @Test
  void aStreamTheLeaderEndedFailsItsFetchAndTheNextOneOpensAnother() throws Exception {
    CompletableFuture<FetchResponse> ended = endpoint.fetch(FetchRequest.newBuilder().setMaxWaitMs(1).build());
    ExecutionException e = assertThrows(ExecutionException.class, () -> ended.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertFalse(e.getCause().getMessage().isEmpty());
    assertEquals("40", fetch(40));
    await().atMost(WAIT).until(() -> opened.get() == 2);
  }
}
