package io.weir.broker.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.weir.broker.replica.FetchParams;
import io.weir.broker.replica.FetchPartition;
import io.weir.broker.replica.FetchPartitionResult;
import io.weir.broker.replica.ReadResult;
import io.weir.broker.replica.ReplicaManager;
import io.weir.common.TopicPartition;
import io.weir.common.record.CorruptRecordException;
import io.weir.common.record.MemoryRecords;
import io.weir.proto.v1.EpochEndOffset;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.FetchRequest;
import io.weir.proto.v1.FetchResponse;
import io.weir.proto.v1.FetchServiceGrpc;
import io.weir.proto.v1.LeaderHint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetch for consumers and followers, as one call per fetch or as a stream of fetches handled one
 * after another ({@link FetchStreamSession}). A waiting fetch holds no thread: the response is sent
 * by whichever thread completes it (an append, a high-watermark move, or the purgatory timer).
 */
public final class FetchServiceImpl extends FetchServiceGrpc.FetchServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(FetchServiceImpl.class);

  private final ReplicaManager replicaManager;
  private final int fetchMaxBytes;
  /** Idle buffers kept: 32 answers of 1 MiB, 3% of a 1 GiB heap. */
  private final FetchBufferPool buffers = new FetchBufferPool(32L << 20);
  private final InOrderStream.Registry streams = new InOrderStream.Registry();

  public FetchServiceImpl(ReplicaManager replicaManager, int fetchMaxBytes) {
    this.replicaManager = replicaManager;
    this.fetchMaxBytes = fetchMaxBytes;
  }

  @Override
  public void fetch(FetchRequest request, StreamObserver<FetchResponse> observer) {
    handle(request, null, UnaryAnswer.to(observer), observer::onError);
  }

  @Override
  public StreamObserver<FetchRequest> fetchStream(StreamObserver<FetchResponse> responses) {
    return new InOrderStream<>(
        (ServerCallStreamObserver<FetchResponse>) responses,
        FetchStreamSession.READ_AHEAD,
        new FetchStreamSession(this::handle),
        streams);
  }

  /**
   * Ends every open fetch stream, each after its pending answer: a draining broker's server waits
   * for its calls to finish, and an idle stream never would.
   */
  public void closeStreams() {
    streams.endAll();
  }

  /**
   * @param nextOffsets where a stream's previous answers ended, by partition, for {@code
   *     continue_previous}, and updated with this answer's ends; null for a unary fetch
   */
  private void handle(
      FetchRequest request,
      Map<TopicPartition, Long> nextOffsets,
      Consumer<FetchResponse> answer,
      Consumer<Throwable> fail) {
    List<FetchPartition> partitions = new ArrayList<>();
    List<FetchResponse.TopicData> invalid = new ArrayList<>();
    for (FetchRequest.TopicData topic : request.getTopicsList()) {
      for (FetchRequest.PartitionData pd : topic.getPartitionsList()) {
        try {
          TopicPartition tp = new TopicPartition(topic.getName(), pd.getPartition());
          long offset = pd.getContinuePrevious() ? continued(tp, nextOffsets) : pd.getFetchOffset();
          if (pd.getPartitionMaxBytes() < 0 || offset < 0) {
            throw new IllegalArgumentException(
                "fetch offset and partition_max_bytes must not be negative");
          }
          partitions.add(
              new FetchPartition(
                  tp,
                  offset,
                  pd.getCurrentLeaderEpoch(),
                  pd.getLastFetchedEpoch(),
                  pd.getPartitionMaxBytes()));
        } catch (IllegalArgumentException e) {
          invalid.add(
              FetchResponse.TopicData.newBuilder()
                  .setName(topic.getName())
                  .addPartitions(
                      FetchResponse.PartitionData.newBuilder()
                          .setPartition(pd.getPartition())
                          .setErrorCode(ErrorCode.INVALID_REQUEST)
                          .setErrorMessage(e.getMessage())
                          .setHighWatermark(-1)
                          .setLastStableOffset(-1)
                          .setLogStartOffset(-1)
                          .setPreferredReadReplica(-1))
                  .build());
        }
      }
    }
    int maxBytes =
        request.getMaxBytes() <= 0 ? fetchMaxBytes : Math.min(request.getMaxBytes(), fetchMaxBytes);
    FetchParams params =
        new FetchParams(
            request.getReplicaId() >= 0 ? request.getReplicaId() : -1,
            Math.max(0, request.getMaxWaitMs()),
            Math.max(0, request.getMinBytes()),
            maxBytes,
            request.getRackId());
    try {
      replicaManager.fetchMessages(
          params,
          partitions,
          results -> {
            List<ByteBuffer> leased = new ArrayList<>();
            try {
              // Sending copies the answer into the transport's buffers before it returns.
              answer.accept(toResponse(results, partitions, invalid, leased, nextOffsets));
            } finally {
              leased.forEach(buffers::release);
            }
          });
    } catch (RuntimeException e) {
      log.error("fetch request failed", e);
      fail.accept(Statuses.internal(e));
    }
  }

  private static long continued(TopicPartition tp, Map<TopicPartition, Long> nextOffsets) {
    if (nextOffsets == null) {
      throw new IllegalArgumentException("continue_previous is valid only on a FetchStream");
    }
    Long next = nextOffsets.get(tp);
    if (next == null) {
      throw new IllegalArgumentException(
          "continue_previous: this stream has not fetched " + tp + " before");
    }
    return next;
  }

  /**
   * The answer to {@code fetched} (results in the same order); the pooled buffers its records were
   * read into are added to {@code leased}, and where each partition's answer ended to {@code
   * nextOffsets} unless null.
   */
  private FetchResponse toResponse(
      List<FetchPartitionResult> results,
      List<FetchPartition> fetched,
      List<FetchResponse.TopicData> invalid,
      List<ByteBuffer> leased,
      Map<TopicPartition, Long> nextOffsets) {
    IntFunction<ByteBuffer> lease =
        size -> {
          ByteBuffer b = buffers.acquire(size);
          leased.add(b);
          return b;
        };
    Map<String, FetchResponse.TopicData.Builder> topics = new LinkedHashMap<>();
    for (int i = 0; i < results.size(); i++) {
      FetchPartitionResult r = results.get(i);
      FetchResponse.PartitionData pd = toProto(r, fetched.get(i).fetchOffset(), lease);
      if (nextOffsets != null) {
        nextOffsets.put(r.tp(), endOffset(pd));
      }
      topics
          .computeIfAbsent(r.tp().topic(), t -> FetchResponse.TopicData.newBuilder().setName(t))
          .addPartitions(pd);
    }
    FetchResponse.Builder out = FetchResponse.newBuilder();
    topics.values().forEach(out::addTopics);
    invalid.forEach(out::addTopics);
    return out.build();
  }

  /**
   * Where the next fetch after this answer starts: after its last batch, or where it started (no
   * records, or a batch header that cannot be right: the client meets it when it decodes them).
   */
  private static long endOffset(FetchResponse.PartitionData pd) {
    try {
      long end = MemoryRecords.readableRecords(pd.getRecords().asReadOnlyByteBuffer()).nextOffset();
      return end < 0 ? pd.getFetchOffset() : end;
    } catch (CorruptRecordException e) {
      return pd.getFetchOffset();
    }
  }

  /** The wire form of one partition's result; reads the log slice once into the message. */
  public static FetchResponse.PartitionData toProto(FetchPartitionResult r, long fetchOffset) {
    return toProto(r, fetchOffset, ByteBuffer::allocate);
  }

  private static FetchResponse.PartitionData toProto(
      FetchPartitionResult r, long fetchOffset, IntFunction<ByteBuffer> buffers) {
    ReadResult read = r.read();
    FetchResponse.PartitionData.Builder pd =
        FetchResponse.PartitionData.newBuilder()
            .setPartition(r.tp().partition())
            .setFetchOffset(fetchOffset)
            .setErrorCode(read.error())
            .setErrorMessage(read.message())
            .setHighWatermark(read.highWatermark())
            .setLastStableOffset(read.highWatermark())
            .setLogStartOffset(read.logStartOffset())
            .setPreferredReadReplica(r.preferredReadReplica())
            .setCurrentLeader(
                LeaderHint.newBuilder().setLeaderId(read.leader()).setLeaderEpoch(read.leaderEpoch()));
    if (read.divergingEpoch() != null) {
      pd.setDivergingEpoch(
          EpochEndOffset.newBuilder()
              .setEpoch(read.divergingEpoch().epoch())
              .setEndOffset(read.divergingEpoch().endOffset()));
    }
    if (read.bytes() > 0) {
      try {
        // Read once from the file; wrapped, not copied, into the message.
        ByteBuffer buffer = buffers.apply(read.bytes());
        read.records().readInto(buffer);
        pd.setRecords(UnsafeByteOperations.unsafeWrap(buffer.flip()));
      } catch (IOException e) {
        // Retention or truncation removed the slice after the read: the client retries.
        pd.setErrorCode(ErrorCode.NOT_LEADER_OR_FOLLOWER)
            .setErrorMessage("the log changed under the read: " + e.getMessage())
            .setRecords(ByteString.EMPTY);
      }
    }
    return pd.build();
  }
}
