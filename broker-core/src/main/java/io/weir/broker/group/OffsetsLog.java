package io.weir.broker.group;

import io.weir.proto.v1.ErrorCode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The coordinator's view of the {@code __consumer_offsets} partitions this broker leads. */
interface OffsetsLog {
  /** A key and value (null: tombstone) as stored. */
  record Entry(byte[] key, byte[] value) {}

  /** Appends with acks=all; completes with NONE once the high watermark passes the records. */
  CompletableFuture<ErrorCode> append(int partition, List<Entry> entries);

  /** Replays the partition from its start to its log end, in order. */
  void replay(int partition, Consumer<Entry> visitor);
}
