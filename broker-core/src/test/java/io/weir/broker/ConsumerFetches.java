package io.weir.broker;

import io.weir.common.record.MemoryRecords;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/** What the test harnesses do as a consumer (replica id -1) over the Fetch API. */
public final class ConsumerFetches {
  private ConsumerFetches() {}

  /** A consumer's fetch of one partition from {@code offset}. */
  public static FetchRequest request(
      String topic, int partition, long offset, int maxWaitMs, int minBytes, int maxBytes, String rack) {
    return FetchRequest.newBuilder()
        .setReplicaId(-1)
        .setMaxWaitMs(maxWaitMs)
        .setMinBytes(minBytes)
        .setMaxBytes(maxBytes)
        .setRackId(rack)
        .setReplicaEpoch(-1)
        .addTopics(FetchRequest.TopicData.newBuilder()
            .setName(topic)
            .addPartitions(FetchRequest.PartitionData.newBuilder()
                .setPartition(partition)
                .setFetchOffset(offset)
                .setCurrentLeaderEpoch(-1)
                .setLastFetchedEpoch(-1)
                .setPartitionMaxBytes(maxBytes)))
        .build();
  }

  /**
   * Every record a consumer reads, from offset 0 until a fetch returns nothing; fails if any fetch
   * returns a record at or past the high watermark it reports.
   *
   * @param fetchAt the partition's answer to a fetch from the given offset
   */
  public static List<TestRecords.Entry> consumeAll(LongFunction<FetchResponse.PartitionData> fetchAt) {
    List<TestRecords.Entry> out = new ArrayList<>();
    long offset = 0;
    for (int round = 0; round < 100_000; round++) {
      FetchResponse.PartitionData pd = fetchAt.apply(offset);
      if (pd.getErrorCode() != ErrorCode.NONE) {
        throw new IllegalStateException("fetch failed: " + pd.getErrorCode() + " " + pd.getErrorMessage());
      }
      if (pd.getRecords().isEmpty()) {
        return out;
      }
      for (TestRecords.Entry e : TestRecords.entries(MemoryRecords.readableRecords(pd.getRecords().asReadOnlyByteBuffer()))) {
        if (e.offset() >= pd.getHighWatermark()) {
          throw new AssertionError("consumer got offset " + e.offset() + " at or past the high watermark "
              + pd.getHighWatermark());
        }
        if (e.offset() >= offset) {
          out.add(e);
          offset = e.offset() + 1;
        }
      }
    }
    throw new IllegalStateException("consuming did not reach the end");
  }
}
