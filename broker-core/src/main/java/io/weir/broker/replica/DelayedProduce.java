package io.weir.broker.replica;

import io.weir.broker.purgatory.DelayedOperation;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.ProduceResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An acks=all produce waiting for the high watermark to pass each partition's last offset;
 * partitions still waiting at the timeout answer REQUEST_TIMED_OUT.
 */
final class DelayedProduce extends DelayedOperation {
  private final Map<TopicPartition, ProduceResponse.PartitionResponse.Builder> responses;
  private final Map<TopicPartition, Long> pending; // tp -> required offset; under the op's lock
  private final ReplicaManager replicaManager;
  private final Consumer<Map<TopicPartition, ProduceResponse.PartitionResponse>> responseCallback;

  DelayedProduce(
      long timeoutMs,
      Map<TopicPartition, ProduceResponse.PartitionResponse.Builder> responses,
      Map<TopicPartition, Long> requiredOffsets,
      ReplicaManager replicaManager,
      Consumer<Map<TopicPartition, ProduceResponse.PartitionResponse>> responseCallback) {
    super(timeoutMs);
    this.responses = responses;
    this.pending = new LinkedHashMap<>(requiredOffsets);
    this.replicaManager = replicaManager;
    this.responseCallback = responseCallback;
  }

  @Override
  protected boolean tryComplete() {
    pending
        .entrySet()
        .removeIf(
            e -> {
              Partition partition = replicaManager.partition(e.getKey());
              ErrorCode code =
                  partition == null
                      ? ErrorCode.NOT_LEADER_OR_FOLLOWER
                      : partition.checkEnoughReplicasReachOffset(e.getValue());
              if (code == null) {
                return false;
              }
              if (code != ErrorCode.NONE) {
                responses
                    .get(e.getKey())
                    .setErrorCode(code)
                    .setErrorMessage(
                        code == ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND
                            ? "the ISR shrank below min.insync.replicas while waiting for acks=all"
                            : "leadership of " + e.getKey() + " moved while waiting for acks=all");
              }
              return true;
            });
    return pending.isEmpty() && forceComplete();
  }

  @Override
  protected void onComplete() {
    Map<TopicPartition, ProduceResponse.PartitionResponse> out = new LinkedHashMap<>();
    responses.forEach(
        (tp, builder) -> {
          if (pending.containsKey(tp)) {
            builder
                .setErrorCode(ErrorCode.REQUEST_TIMED_OUT)
                .setErrorMessage("acks=all not reached within the request timeout");
          }
          out.put(tp, builder.build());
        });
    responseCallback.accept(out);
  }
}
