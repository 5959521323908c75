package io.weir.broker.api;

import io.grpc.stub.StreamObserver;
import io.weir.broker.ApiException;
import io.weir.broker.replica.Partition;
import io.weir.broker.replica.ReplicaManager;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.DeleteRecordsRequest;
import io.weir.proto.v1.DeleteRecordsResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.ListOffsetsRequest;
import io.weir.proto.v1.ListOffsetsResponse;
import io.weir.proto.v1.OffsetServiceGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ListOffsets on the leader: earliest (-2), latest (-1, the high watermark) or by timestamp; and
 * DeleteRecords, which moves a leader's log start offset forward.
 */
public final class OffsetServiceImpl extends OffsetServiceGrpc.OffsetServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(OffsetServiceImpl.class);

  private final ReplicaManager replicaManager;

  public OffsetServiceImpl(ReplicaManager replicaManager) {
    this.replicaManager = replicaManager;
  }

  @Override
  public void listOffsets(ListOffsetsRequest request, StreamObserver<ListOffsetsResponse> observer) {
    ListOffsetsResponse.Builder out = ListOffsetsResponse.newBuilder();
    for (ListOffsetsRequest.TopicData topic : request.getTopicsList()) {
      ListOffsetsResponse.TopicData.Builder t =
          ListOffsetsResponse.TopicData.newBuilder().setName(topic.getName());
      for (ListOffsetsRequest.PartitionData pd : topic.getPartitionsList()) {
        ListOffsetsResponse.PartitionData.Builder p =
            ListOffsetsResponse.PartitionData.newBuilder()
                .setPartition(pd.getPartition())
                .setOffset(-1)
                .setTimestamp(-1)
                .setLeaderEpoch(-1);
        TopicPartition tp = null;
        try {
          tp = new TopicPartition(topic.getName(), pd.getPartition());
          Partition partition = replicaManager.hostedPartition(tp);
          Partition.OffsetAndTimestamp found =
              partition.fetchOffsetForTimestamp(pd.getTimestamp(), pd.getCurrentLeaderEpoch());
          p.setOffset(found.offset()).setTimestamp(found.timestamp()).setLeaderEpoch(found.leaderEpoch());
        } catch (RuntimeException e) {
          ErrorCode code = errorCode("ListOffsets", tp, e);
          p.setErrorCode(code).setErrorMessage(ApiException.messageFor(e));
          if (code == ErrorCode.NOT_LEADER_OR_FOLLOWER && tp != null) {
            p.setCurrentLeader(replicaManager.leaderHint(tp));
          }
        }
        t.addPartitions(p);
      }
      out.addTopics(t);
    }
    observer.onNext(out.build());
    observer.onCompleted();
  }

  @Override
  public void deleteRecords(DeleteRecordsRequest request, StreamObserver<DeleteRecordsResponse> observer) {
    DeleteRecordsResponse.Builder out = DeleteRecordsResponse.newBuilder();
    for (DeleteRecordsRequest.TopicData topic : request.getTopicsList()) {
      DeleteRecordsResponse.TopicData.Builder t = DeleteRecordsResponse.TopicData.newBuilder().setName(topic.getName());
      for (DeleteRecordsRequest.PartitionData pd : topic.getPartitionsList()) {
        DeleteRecordsResponse.PartitionData.Builder p =
            DeleteRecordsResponse.PartitionData.newBuilder().setPartition(pd.getPartition()).setLowWatermark(-1);
        TopicPartition tp = null;
        try {
          tp = new TopicPartition(topic.getName(), pd.getPartition());
          p.setLowWatermark(replicaManager.hostedPartition(tp).deleteRecordsOnLeader(pd.getOffset()));
        } catch (RuntimeException e) {
          ErrorCode code = errorCode("DeleteRecords", tp, e);
          p.setErrorCode(code).setErrorMessage(ApiException.messageFor(e));
          if (code == ErrorCode.NOT_LEADER_OR_FOLLOWER && tp != null) {
            p.setCurrentLeader(replicaManager.leaderHint(tp));
          }
        }
        t.addPartitions(p);
      }
      out.addTopics(t);
    }
    observer.onNext(out.build());
    observer.onCompleted();
  }

  /** A partition's error code; a null {@code tp} means the request named no valid partition. */
  private static ErrorCode errorCode(String api, TopicPartition tp, RuntimeException e) {
    ErrorCode code = e instanceof IllegalArgumentException && tp == null
        ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        : ApiException.codeFor(e);
    if (code == ErrorCode.UNKNOWN_SERVER_ERROR) {
      log.error("{} for {} failed", api, tp, e);
    }
    return code;
  }
}
