package io.weir.broker.fetcher;

import static io.weir.broker.TestRecords.batch;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weir.broker.BrokerConfig;
import io.weir.broker.metrics.BrokerStats;
import io.weir.broker.TestRecords;
import io.weir.broker.api.FetchServiceImpl;
import io.weir.broker.replica.FetchPartitionResult;
import io.weir.broker.replica.Partition;
import io.weir.broker.replica.ReadResult;
import io.weir.broker.replica.TopicConfig;
import io.weir.common.TopicPartition;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.storage.log.Log;
import io.weir.storage.log.LogConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A follower whose log diverged from the new leader's truncates and catches up (in-JVM transport). */
class ReplicaFetcherTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);

  @TempDir Path dir;
  private final List<Log> logs = new ArrayList<>();
  private ReplicaFetcher fetcher;

  @AfterEach
  void tearDown() {
    if (fetcher != null) {
      fetcher.shutdown();
    }
    logs.forEach(Log::close);
  }

  private Partition partition(int brokerId) {
    Log log = Log.open(dir.resolve("broker-" + brokerId).resolve("t-0"), LogConfig.defaults(), System::currentTimeMillis);
    logs.add(log);
    return new Partition(
        TP, brokerId, log, TopicConfig.from(Map.of(), BrokerConfig.defaults(brokerId)), 0,
        System::currentTimeMillis, 30_000,
        (topicId, p, leaderEpoch, partitionEpoch, isr) -> new CompletableFuture<>(),
        tp -> {}, id -> true, new BrokerStats());
  }

  private static PartitionRegistration reg(int leader, int epoch) {
    return new PartitionRegistration(List.of(1, 2), List.of(1, 2), leader, epoch, epoch);
  }

  /** Serves follower fetches straight from the leader partition. */
  private static LeaderEndpoint endpointOver(Partition leader, AtomicInteger divergences) {
    return new LeaderEndpoint() {
      @Override
      public CompletableFuture<FetchResponse> fetch(FetchRequest request) {
        FetchResponse.TopicData.Builder topic = FetchResponse.TopicData.newBuilder().setName("t");
        for (FetchRequest.PartitionData pd : request.getTopics(0).getPartitionsList()) {
          ReadResult read = leader.read(pd.getFetchOffset(), pd.getCurrentLeaderEpoch(), pd.getLastFetchedEpoch(),
              pd.getPartitionMaxBytes(), true, true);
          if (read.divergingEpoch() != null) {
            divergences.incrementAndGet();
          } else if (read.error() == ErrorCode.NONE) {
            leader.updateFollowerFetchState(request.getReplicaId(), pd.getFetchOffset(), read.leaderEndOffset());
          }
          topic.addPartitions(FetchServiceImpl.toProto(new FetchPartitionResult(TP, read, -1), pd.getFetchOffset()));
        }
        return CompletableFuture.completedFuture(FetchResponse.newBuilder().addTopics(topic).build());
      }

      @Override
      public void close() {}
    };
  }

  private static List<String> values(Partition p) throws IOException {
    return TestRecords.entries(p.log().read(0, 1 << 20, Long.MAX_VALUE, true).records().toMemoryRecords())
        .stream().map(TestRecords.Entry::value).toList();
  }

  @Test
  void divergedFollowerTruncatesToTheLeadersLogAndCatchesUp() throws IOException {
    Partition oldLeader = partition(2);
    Partition newLeader = partition(1);
    // Epoch 1: broker 2 leads; broker 1 copied only the first batch before broker 2 was deposed.
    oldLeader.makeLeader("id", reg(2, 1));
    oldLeader.appendRecordsToLeader(batch("a"), 1);
    oldLeader.appendRecordsToLeader(batch("lost1", "lost2"), 1);
    newLeader.makeFollower("id", reg(2, 1));
    newLeader.appendRecordsAsFollower(oldLeader.log().read(0, 1, Long.MAX_VALUE, true).records().toMemoryRecords(), 0, 0, 1);
    assertEquals(1, newLeader.logEndOffset());
    // Epoch 2: broker 1 leads and takes new writes at the offsets broker 2 used.
    newLeader.makeLeader("id", reg(1, 2));
    newLeader.appendRecordsToLeader(batch("x", "y", "z"), 1);
    oldLeader.makeFollower("id", reg(1, 2));

    AtomicInteger divergences = new AtomicInteger();
    fetcher = new ReplicaFetcher(2, 1, new Endpoint("PLAINTEXT", "127.0.0.1", 1), endpointOver(newLeader, divergences),
        new ReplicaFetcher.Settings(100, 1, 1 << 20, 1 << 20, 10, 5_000), tp -> oldLeader, tp -> {});
    fetcher.addPartition(TP, 2);
    fetcher.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> newLeader.highWatermark() == 4);
    assertEquals(List.of("a", "x", "y", "z"), values(oldLeader));
    assertEquals(4, oldLeader.logEndOffset());
    assertEquals(1, divergences.get());
    await().atMost(Duration.ofSeconds(30)).until(() -> oldLeader.highWatermark() == 4);
  }
}
