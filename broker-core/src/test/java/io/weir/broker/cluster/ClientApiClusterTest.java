package io.weir.broker.cluster;

import static io.weir.broker.TestRecords.batch;
import static io.weir.broker.TestRecords.idempotentBatch;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.weir.broker.BrokerConfig;
import io.weir.broker.TestRecords;
import io.weir.common.record.MemoryRecords;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.InitProducerIdRequest;
import io.weir.proto.v1.InitProducerIdResponse;
import io.weir.proto.v1.ListOffsetsResponse;
import io.weir.proto.v1.MetadataRequest;
import io.weir.proto.v1.MetadataResponse;
import io.weir.proto.v1.ProduceRequest;
import io.weir.proto.v1.ProduceResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client-facing services of a three-broker cluster. */
class ClientApiClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private TestCluster cluster;

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private int createTopic(String name, int partitions) {
    cluster.controller.createTopic(name, partitions, 3, Map.of("min.insync.replicas", "2"));
    return cluster.partition(name, 0).leader();
  }

  private static List<String> values(List<TestRecords.Entry> entries) {
    return entries.stream().map(TestRecords.Entry::value).toList();
  }

  @Test
  void retriedBatchAfterALostResponseIsNotDuplicated() {
    cluster = new TestCluster(dir, 3);
    int leader = createTopic("idem", 1);
    InitProducerIdResponse init =
        cluster.produceStub(leader).initProducerId(InitProducerIdRequest.getDefaultInstance());
    assertEquals(ErrorCode.NONE, init.getErrorCode());
    InitProducerIdResponse other =
        cluster.produceStub(leader).initProducerId(InitProducerIdRequest.getDefaultInstance());
    assertNotEquals(init.getProducerId(), other.getProducerId());
    long pid = init.getProducerId();
    short epoch = (short) init.getProducerEpoch();
    assertEquals(ErrorCode.NONE, cluster.produce(leader, "idem", 0, -1, idempotentBatch(pid, epoch, 0, "a", "b")).getErrorCode());
    MemoryRecords second = idempotentBatch(pid, epoch, 2, "c");
    ProduceResponse.PartitionResponse first = cluster.produce(leader, "idem", 0, -1, second);
    // The response was "lost": the producer sends the same batch again and gets the same offset.
    ProduceResponse.PartitionResponse retry = cluster.produce(leader, "idem", 0, -1, second);
    assertEquals(ErrorCode.NONE, retry.getErrorCode());
    assertEquals(first.getBaseOffset(), retry.getBaseOffset());
    ProduceResponse.PartitionResponse gap = cluster.produce(leader, "idem", 0, -1, idempotentBatch(pid, epoch, 5, "x"));
    assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, gap.getErrorCode());
    assertEquals(List.of("a", "b", "c"), values(cluster.consumeAll(leader, "idem", 0)));
  }

  @Test
  void longPollReturnsWhenDataArrivesAndAfterMaxWaitOtherwise() throws Exception {
    cluster = new TestCluster(dir, 3);
    int leader = createTopic("poll", 1);
    long start = System.nanoTime();
    FetchResponse.PartitionData empty = cluster.fetch(leader, "poll", 0, 0, 300, 1, "");
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(ErrorCode.NONE, empty.getErrorCode());
    assertTrue(empty.getRecords().isEmpty());
    assertTrue(waitedMs >= 300, "answered after " + waitedMs + " ms, before fetch.max.wait.ms");

    CompletableFuture<FetchResponse.PartitionData> waiting =
        CompletableFuture.supplyAsync(() -> cluster.fetch(leader, "poll", 0, 0, 60_000, 1, ""));
    await().atMost(WAIT).until(() -> !waiting.isDone());
    assertEquals(ErrorCode.NONE, cluster.produce(leader, "poll", 0, -1, batch("hello")).getErrorCode());
    // Answered by the data (the high watermark passing it), long before the 60 s wait is up.
    FetchResponse.PartitionData data = waiting.get(30, TimeUnit.SECONDS);
    assertEquals(List.of("hello"), values(TestRecords.entries(MemoryRecords.readableRecords(data.getRecords().asReadOnlyByteBuffer()))));
  }

  @Test
  void unknownTopicIsReportedClearly() {
    cluster = new TestCluster(dir, 3);
    ProduceResponse.PartitionResponse r = cluster.produce(1, "missing", 0, 1, batch("x"));
    assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, r.getErrorCode());
    MetadataResponse md = cluster.metadataStub(2).getMetadata(
        MetadataRequest.newBuilder().addTopics("missing").setAllowAutoTopicCreation(true).build());
    assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, md.getTopics(0).getErrorCode());
    assertTrue(md.getTopics(0).getErrorMessage().contains("auto.create.topics.enable is false"));
    FetchResponse.PartitionData f = cluster.fetch(3, "missing", 0, 0, 0, 0, "");
    assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, f.getErrorCode());
  }

  @Test
  void autoCreateTopicsWhenEnabled() {
    cluster = new TestCluster(dir, 3, id -> BrokerConfig.builder(id).autoCreateTopicsEnable(true).build());
    MetadataRequest request = MetadataRequest.newBuilder().addTopics("auto").setAllowAutoTopicCreation(true).build();
    assertEquals(ErrorCode.LEADER_NOT_AVAILABLE, cluster.metadataStub(1).getMetadata(request).getTopics(0).getErrorCode());
    await().atMost(WAIT).until(() -> cluster.metadataStub(1).getMetadata(request).getTopics(0).getErrorCode() == ErrorCode.NONE);
  }

  @Test
  void corruptBatchFailsOnlyItsOwnPartition() {
    cluster = new TestCluster(dir, 3);
    cluster.controller.createTopic("two", 2, 1, Map.of());
    int leader0 = cluster.partition("two", 0).leader();
    int leader1 = cluster.partition("two", 1).leader();
    byte[] bad = TestRecords.bytes(batch("good-looking"));
    bad[bad.length - 2] ^= 0x5a; // inside the CRC-covered records
    byte[] bogus = {1, 2, 3};
    int broker = leader0;
    ProduceRequest.Builder req = ProduceRequest.newBuilder().setAcks(1).setTimeoutMs(10_000);
    ProduceRequest.TopicData.Builder topic = ProduceRequest.TopicData.newBuilder().setName("two")
        .addPartitions(ProduceRequest.PartitionData.newBuilder().setPartition(0).setRecords(ByteString.copyFrom(bad)));
    if (leader1 == leader0) {
      topic.addPartitions(ProduceRequest.PartitionData.newBuilder().setPartition(1)
          .setRecords(ByteString.copyFrom(TestRecords.bytes(batch("fine")))));
    }
    ProduceResponse response = cluster.produceStub(broker).produce(req.addTopics(topic).build());
    for (ProduceResponse.PartitionResponse p : response.getTopics(0).getPartitionsList()) {
      assertEquals(p.getPartition() == 0 ? ErrorCode.CORRUPT_MESSAGE : ErrorCode.NONE, p.getErrorCode(), p.getErrorMessage());
    }
    assertEquals(ErrorCode.CORRUPT_MESSAGE,
        cluster.produceBytes(leader0, "two", 0, 1, ByteString.copyFrom(bogus)).getErrorCode());
    // The broker carries on serving the same partition.
    assertEquals(ErrorCode.NONE, cluster.produce(leader0, "two", 0, 1, batch("ok")).getErrorCode());
    assertEquals(List.of("ok"), values(cluster.consumeAll(leader0, "two", 0)));
    assertEquals(ErrorCode.INVALID_REQUIRED_ACKS, cluster.produce(leader0, "two", 0, 2, batch("ok")).getErrorCode());
  }

  @Test
  void anyBrokerDescribesTheWholeCluster() {
    cluster = new TestCluster(dir, 3);
    int leader = createTopic("md", 2);
    MetadataResponse md = cluster.metadataStub(3).getMetadata(MetadataRequest.getDefaultInstance());
    assertEquals(3, md.getBrokersCount());
    assertEquals(cluster.broker(1).port(), md.getBrokers(0).getPort());
    MetadataResponse.Topic t = md.getTopics(0);
    assertEquals("md", t.getName());
    assertEquals(2, t.getPartitionsCount());
    assertEquals(leader, t.getPartitions(0).getLeader());
    assertEquals(3, t.getPartitions(0).getIsrCount());
    int follower = t.getPartitions(0).getReplicasList().stream().filter(id -> id != leader).findFirst().orElseThrow();
    cluster.controller.fence(follower);
    MetadataResponse after = cluster.metadataStub(leader).getMetadata(MetadataRequest.getDefaultInstance());
    assertEquals(2, after.getBrokersCount());
    assertEquals(List.of(follower), after.getTopics(0).getPartitions(0).getOfflineReplicasList());
  }

  @Test
  void consumerInAnotherRackIsSentToAnInSyncReplicaInItsRack() {
    cluster = new TestCluster(dir, 3, id -> BrokerConfig.builder(id).rack("rack-" + id).build());
    int leader = createTopic("racks", 1);
    int follower = leader == 1 ? 2 : 1;
    assertEquals(ErrorCode.NONE, cluster.produce(leader, "racks", 0, -1, batch("r0", "r1")).getErrorCode());
    FetchResponse.PartitionData redirect = cluster.fetch(leader, "racks", 0, 0, 0, 0, "rack-" + follower);
    assertEquals(follower, redirect.getPreferredReadReplica());
    assertTrue(redirect.getRecords().isEmpty());
    FetchResponse.PartitionData local = cluster.fetch(leader, "racks", 0, 0, 0, 0, "rack-" + leader);
    assertEquals(-1, local.getPreferredReadReplica());
    await().atMost(WAIT).until(() -> cluster.consumeAll(follower, "racks", 0).size() == 2);
    assertEquals(List.of("r0", "r1"), values(cluster.consumeAll(follower, "racks", 0)));
  }

  @Test
  void listOffsetsEarliestLatestAndByTimestamp() {
    cluster = new TestCluster(dir, 3);
    int leader = createTopic("offsets", 1);
    io.weir.common.record.MemoryRecordsBuilder b = new io.weir.common.record.MemoryRecordsBuilder(
        io.weir.common.record.CompressionType.NONE, io.weir.common.record.TimestampType.CREATE_TIME, 0, 1 << 16);
    long now = System.currentTimeMillis();
    for (int i = 0; i < 5; i++) {
      b.append(now - 5_000 + i * 1_000, null, ("t" + i).getBytes(), List.of());
    }
    assertEquals(ErrorCode.NONE, cluster.produce(leader, "offsets", 0, -1, b.build()).getErrorCode());
    assertEquals(0, cluster.listOffset(leader, "offsets", 0, -2).getOffset());
    assertEquals(5, cluster.listOffset(leader, "offsets", 0, -1).getOffset());
    ListOffsetsResponse.PartitionData byTime = cluster.listOffset(leader, "offsets", 0, now - 2_500);
    assertEquals(3, byTime.getOffset());
    assertEquals(now - 2_000, byTime.getTimestamp());
    assertEquals(-1, cluster.listOffset(leader, "offsets", 0, now + 60_000).getOffset());
    int follower = leader == 1 ? 2 : 1;
    ListOffsetsResponse.PartitionData notLeader = cluster.listOffset(follower, "offsets", 0, -1);
    assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, notLeader.getErrorCode());
    assertEquals(leader, notLeader.getCurrentLeader().getLeaderId());
  }

  @Test
  void retentionRunsInTheBackgroundAndOldOffsetsGoOutOfRange() {
    cluster = new TestCluster(dir, 3, id -> BrokerConfig.builder(id).logRetentionCheckIntervalMs(100).build());
    // Every append rolls a segment (segment.ms=1) and only the active one is kept (retention.bytes=1).
    cluster.controller.createTopic("ret", 1, 3, Map.of("segment.ms", "1", "retention.bytes", "1"));
    int leader = cluster.partition("ret", 0).leader();
    for (int i = 0; i < 5; i++) {
      assertEquals(ErrorCode.NONE, cluster.produce(leader, "ret", 0, -1, batch("m" + i)).getErrorCode());
    }
    await().atMost(WAIT).until(() -> cluster.listOffset(leader, "ret", 0, -2).getOffset() > 0);
    long earliest = cluster.listOffset(leader, "ret", 0, -2).getOffset();
    assertEquals(5, cluster.listOffset(leader, "ret", 0, -1).getOffset());
    assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, cluster.fetch(leader, "ret", 0, 0, 0, 0, "").getErrorCode());
    assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, cluster.fetch(leader, "ret", 0, 6, 0, 0, "").getErrorCode());
    FetchResponse.PartitionData tail = cluster.fetch(leader, "ret", 0, earliest, 0, 0, "");
    assertEquals("m" + earliest,
        TestRecords.entries(MemoryRecords.readableRecords(tail.getRecords().asReadOnlyByteBuffer())).get(0).value());
  }

  @Test
  void onlyAssignedReplicasMayReadPastTheHighWatermark() {
    cluster = new TestCluster(dir, 3);
    cluster.controller.createTopic("guarded", 1, 1, Map.of());
    int leader = cluster.partition("guarded", 0).leader();
    FetchResponse response = cluster.fetchStub(leader).fetch(io.weir.proto.v1.FetchRequest.newBuilder()
        .setReplicaId(99)
        .setMaxBytes(1 << 20)
        .addTopics(io.weir.proto.v1.FetchRequest.TopicData.newBuilder().setName("guarded")
            .addPartitions(io.weir.proto.v1.FetchRequest.PartitionData.newBuilder()
                .setPartition(0).setCurrentLeaderEpoch(-1).setLastFetchedEpoch(-1).setPartitionMaxBytes(1 << 20)))
        .build());
    FetchResponse.PartitionData pd = response.getTopics(0).getPartitions(0);
    assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, pd.getErrorCode());
    assertTrue(pd.getErrorMessage().contains("not a replica"), pd.getErrorMessage());
  }

  @Test
  void deletedTopicsLeaveEveryBrokerAndARecreatedTopicStartsEmpty() {
    cluster = new TestCluster(dir, 3);
    int leader = createTopic("gone", 1);
    assertEquals(ErrorCode.NONE, cluster.produce(leader, "gone", 0, -1, batch("old")).getErrorCode());
    cluster.controller.deleteTopic("gone");
    for (int id = 1; id <= 3; id++) {
      int broker = id;
      await().atMost(WAIT).until(() -> cluster.broker(broker).logManager().getLog(new io.weir.common.TopicPartition("gone", 0)).isEmpty());
      assertTrue(java.nio.file.Files.notExists(dir.resolve("broker-" + id).resolve("gone-0")));
    }
    assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, cluster.produce(leader, "gone", 0, 1, batch("x")).getErrorCode());
    int newLeader = createTopic("gone", 1);
    assertEquals(ErrorCode.NONE, cluster.produce(newLeader, "gone", 0, -1, batch("new")).getErrorCode());
    assertEquals(List.of("new"), values(cluster.consumeAll(newLeader, "gone", 0)));
  }

  private FetchResponse fetchTwo(int maxBytes, int partitionMaxBytes) {
    io.weir.proto.v1.FetchRequest.TopicData.Builder topic = io.weir.proto.v1.FetchRequest.TopicData.newBuilder().setName("limits");
    for (int p = 0; p < 2; p++) {
      topic.addPartitions(io.weir.proto.v1.FetchRequest.PartitionData.newBuilder()
          .setPartition(p).setCurrentLeaderEpoch(-1).setLastFetchedEpoch(-1).setPartitionMaxBytes(partitionMaxBytes));
    }
    return cluster.fetchStub(1).fetch(io.weir.proto.v1.FetchRequest.newBuilder()
        .setReplicaId(-1).setMaxBytes(maxBytes).addTopics(topic).build());
  }

  private static int batches(FetchResponse response, int partition) {
    int n = 0;
    for (io.weir.common.record.RecordBatch b : MemoryRecords.readableRecords(
        response.getTopics(0).getPartitions(partition).getRecords().asReadOnlyByteBuffer())) {
      n++;
    }
    return n;
  }

  @Test
  void fetchHonoursPartitionAndTotalByteLimitsButAlwaysMakesProgress() {
    cluster = new TestCluster(dir, 1);
    cluster.controller.createTopic("limits", 2, 1, Map.of());
    int batchSize = batch("0123456789").sizeInBytes();
    for (int p = 0; p < 2; p++) {
      for (int i = 0; i < 3; i++) {
        assertEquals(ErrorCode.NONE, cluster.produce(1, "limits", p, 1, batch("0123456789")).getErrorCode());
      }
    }
    FetchResponse all = fetchTwo(1 << 20, 1 << 20);
    assertEquals(3, batches(all, 0));
    assertEquals(3, batches(all, 1));
    // A limit below one batch still returns the first partition's first batch, as Kafka does.
    FetchResponse tiny = fetchTwo(1 << 20, 1);
    assertEquals(1, batches(tiny, 0));
    assertEquals(0, batches(tiny, 1));
    FetchResponse perPartition = fetchTwo(1 << 20, 2 * batchSize);
    assertEquals(2, batches(perPartition, 0));
    assertEquals(2, batches(perPartition, 1));
    FetchResponse total = fetchTwo(2 * batchSize, 1 << 20);
    assertEquals(2, batches(total, 0));
    assertEquals(0, batches(total, 1));
  }

  private static MemoryRecords keyed(String key, String value) {
    io.weir.common.record.MemoryRecordsBuilder b = new io.weir.common.record.MemoryRecordsBuilder(
        io.weir.common.record.CompressionType.NONE, io.weir.common.record.TimestampType.CREATE_TIME, 0, 1 << 16);
    b.append(System.currentTimeMillis(), key.getBytes(), value.getBytes(), List.of());
    return b.build();
  }

  @Test
  void compactionRunsInTheBackgroundOnEveryReplica() {
    cluster = new TestCluster(dir, 3, id -> BrokerConfig.builder(id).logCleanerBackoffMs(100).build());
    cluster.controller.createTopic("compacted", 1, 3, Map.of("cleanup.policy", "compact", "segment.ms", "1"));
    int leader = cluster.partition("compacted", 0).leader();
    for (String[] kv : new String[][] {{"k", "v1"}, {"k", "v2"}, {"j", "w1"}, {"k", "v3"}, {"j", "w2"}, {"z", "last"}}) {
      assertEquals(ErrorCode.NONE, cluster.produce(leader, "compacted", 0, -1, keyed(kv[0], kv[1])).getErrorCode());
    }
    for (int id = 1; id <= 3; id++) {
      int broker = id;
      await().atMost(WAIT).until(() -> values(cluster.consumeAll(broker, "compacted", 0)).equals(List.of("v3", "w2", "last")));
    }
    // Offsets never change: the survivors keep theirs.
    assertEquals(List.of(3L, 4L, 5L), cluster.consumeAll(leader, "compacted", 0).stream().map(TestRecords.Entry::offset).toList());
  }

  @Test
  void malformedProduceMessageFailsThatCallOnly() {
    cluster = new TestCluster(dir, 1);
    cluster.controller.createTopic("ok", 1, 1, Map.of());
    io.grpc.MethodDescriptor.Marshaller<byte[]> raw = new io.grpc.MethodDescriptor.Marshaller<>() {
      @Override
      public java.io.InputStream stream(byte[] value) {
        return new java.io.ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(java.io.InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    io.grpc.MethodDescriptor<byte[], byte[]> produceRaw =
        io.weir.proto.v1.ProduceServiceGrpc.getProduceMethod().toBuilder(raw, raw).build();
    byte[] garbage = {0x1a, 0x7f, 0x0a, 0x01}; // topics field claiming 127 bytes, holding 2
    io.grpc.StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
        () -> io.grpc.stub.ClientCalls.blockingUnaryCall(cluster.channel(1), produceRaw,
            io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), garbage));
    assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    assertEquals(ErrorCode.NONE, cluster.produce(1, "ok", 0, 1, batch("fine")).getErrorCode());
  }
}
