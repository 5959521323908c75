package io.weir.broker.replica;

import io.weir.broker.purgatory.DelayedOperation;
import io.weir.proto.v1.ErrorCode;
import java.util.List;
import java.util.function.Consumer;

/**
 * A fetch waiting for {@code fetch.min.bytes} of data, an error, or for a follower a high
 * watermark change to pass on; answered with a fresh read when it completes.
 */
final class DelayedFetch extends DelayedOperation {
  private final FetchParams params;
  private final List<FetchPartition> partitions;
  private final long[] highWatermarks; // as first answered; read-only after construction
  private final ReplicaManager replicaManager;
  private final Consumer<List<FetchPartitionResult>> responseCallback;

  DelayedFetch(
      FetchParams params,
      List<FetchPartition> partitions,
      List<FetchPartitionResult> firstRead,
      ReplicaManager replicaManager,
      Consumer<List<FetchPartitionResult>> responseCallback) {
    super(params.maxWaitMs());
    this.params = params;
    this.partitions = partitions;
    this.highWatermarks = new long[firstRead.size()];
    for (int i = 0; i < highWatermarks.length; i++) {
      highWatermarks[i] = firstRead.get(i).read().highWatermark();
    }
    this.replicaManager = replicaManager;
    this.responseCallback = responseCallback;
  }

  @Override
  protected boolean tryComplete() {
    long bytes = 0;
    for (int i = 0; i < partitions.size(); i++) {
      FetchPartition fp = partitions.get(i);
      Partition partition = replicaManager.partition(fp.tp());
      if (partition == null) {
        return forceComplete();
      }
      ReadResult read =
          partition.read(
              fp.fetchOffset(),
              fp.currentLeaderEpoch(),
              fp.lastFetchedEpoch(),
              fp.maxBytes(),
              true,
              params.isFromFollower());
      if (read.error() != ErrorCode.NONE || read.divergingEpoch() != null) {
        return forceComplete();
      }
      if (params.isFromFollower() && read.highWatermark() != highWatermarks[i]) {
        return forceComplete(); // the follower learns the new high watermark promptly
      }
      bytes += read.bytes();
    }
    return bytes >= params.minBytes() && forceComplete();
  }

  @Override
  protected void onComplete() {
    responseCallback.accept(replicaManager.readFromLog(params, partitions));
  }
}
