package io.weir.broker.replica;

import io.weir.proto.v1.ErrorCode;
import io.weir.storage.log.FileRecords;
import io.weir.storage.log.LeaderEpochFileCache.EpochEndOffset;

/**
 * One partition's part of a fetch: a slice of the log (not yet read), the offsets the client
 * needs, or an error.
 *
 * @param divergingEpoch set when a follower's log diverged from the leader's
 * @param leaderEndOffset the leader's log end offset when read (for follower catch-up tracking)
 */
public record ReadResult(
    ErrorCode error,
    String message,
    FileRecords records,
    long highWatermark,
    long logStartOffset,
    long leaderEndOffset,
    EpochEndOffset divergingEpoch,
    int leader,
    int leaderEpoch) {

  static ReadResult error(ErrorCode error, String message, LeaderAndIsr state, long hw, long start) {
    return new ReadResult(
        error, message, FileRecords.EMPTY, hw, start, -1, null, state.leader(), state.leaderEpoch());
  }

  public int bytes() {
    return records.sizeInBytes();
  }
}
