package io.weir.broker.producer;

import io.weir.broker.ApiException;
import io.weir.common.record.MemoryRecords;
import io.weir.common.record.RecordBatch;
import io.weir.proto.v1.ErrorCode;
import io.weir.storage.log.FetchDataInfo;
import io.weir.storage.log.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and last five batches. The
 * leader checks each produced batch against it (a retry gets the original offsets back, a gap is
 * refused); leaders and followers both record every appended batch, so a new leader continues
 * where the old one stopped. After a restart or a truncation the state is rebuilt by scanning the
 * log's batch headers.
 *
 * <p>Not thread-safe: the owning Partition calls it under its monitor only.
 */
public final class ProducerStateManager {
  private static final int SCAN_CHUNK_BYTES = 1 << 20;

  private final Map<Long, ProducerStateEntry> producers = new HashMap<>(); // owner's monitor
  private long lastSnapshotOffset = -1; // owner's monitor

  /** Outcome of {@link #checkAppend}: null duplicate means append normally. */
  public record AppendCheck(BatchMetadata duplicate) {
    static final AppendCheck APPEND = new AppendCheck(null);
  }

  /**
   * Checks the idempotent batches of a produce request against the state, batches of the same
   * producer within the request in order.
   *
   * @return a duplicate's original placement when the request is one batch already appended
   * @throws ApiException INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER or
   *     DUPLICATE_SEQUENCE_NUMBER (a duplicate inside a multi-batch request)
   */
  public AppendCheck checkAppend(MemoryRecords records) {
    Map<Long, long[]> pending = null; // producer id -> {epoch, lastSeq} of earlier batches here
    int batches = 0;
    BatchMetadata duplicate = null;
    for (RecordBatch batch : records) {
      batches++;
      if (!batch.hasProducerId()) {
        continue;
      }
      long pid = batch.producerId();
      short epoch = batch.producerEpoch();
      int firstSeq = batch.baseSequence();
      int lastSeq = batch.lastSequence();
      long[] earlier = pending == null ? null : pending.get(pid);
      ProducerStateEntry entry = producers.get(pid);
      short currentEpoch = earlier != null ? (short) earlier[0] : entry != null ? entry.epoch() : -1;
      int currentLastSeq =
          earlier != null ? (int) earlier[1] : entry != null ? entry.lastSeq() : -1;
      boolean known = earlier != null || entry != null;
      if (known && epoch < currentEpoch) {
        throw new ApiException(
            ErrorCode.INVALID_PRODUCER_EPOCH,
            "Producer " + pid + " sent epoch " + epoch + ", older than its current epoch " + currentEpoch);
      }
      if (known && epoch > currentEpoch) {
        if (firstSeq != 0) {
          throw new ApiException(
              ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
              "Producer " + pid + " started epoch " + epoch + " at sequence " + firstSeq + ", not 0");
        }
      } else if (known && currentLastSeq >= 0) {
        BatchMetadata dup =
            earlier == null && entry != null ? entry.findDuplicate(firstSeq, lastSeq) : null;
        if (dup != null) {
          duplicate = dup;
        } else if (firstSeq != nextSequence(currentLastSeq)) {
          throw new ApiException(
              ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
              "Producer "
                  + pid
                  + " at epoch "
                  + epoch
                  + " sent sequence "
                  + firstSeq
                  + ", expected "
                  + nextSequence(currentLastSeq));
        }
      }
      if (pending == null) {
        pending = new HashMap<>();
      }
      pending.put(pid, new long[] {epoch, lastSeq});
    }
    if (duplicate != null) {
      if (batches != 1) {
        throw new ApiException(
            ErrorCode.DUPLICATE_SEQUENCE_NUMBER,
            "a multi-batch produce request holds an already appended batch");
      }
      return new AppendCheck(duplicate);
    }
    return AppendCheck.APPEND;
  }

  private static int nextSequence(int seq) {
    return seq == Integer.MAX_VALUE ? 0 : seq + 1;
  }

  /** Records appended batches (offsets stamped), leader or follower alike. */
  public void update(MemoryRecords appended) {
    for (RecordBatch batch : appended) {
      update(batch);
    }
  }

  private void update(RecordBatch batch) {
    if (!batch.hasProducerId() || batch.isControlBatch()) {
      return;
    }
    producers
        .computeIfAbsent(batch.producerId(), id -> new ProducerStateEntry(batch.producerEpoch()))
        .add(
            batch.producerEpoch(),
            new BatchMetadata(
                batch.baseSequence(),
                batch.lastSequence(),
                batch.baseOffset(),
                batch.lastOffset(),
                batch.maxTimestamp()));
  }

  /**
   * Rebuilds the state for the log as it is now: from the newest snapshot at or below its end (if
   * any), then replaying the log's batches after it. Snapshots above the end (a truncated log) are
   * deleted.
   */
  public void rebuild(Log log) {
    rebuild(log, false);
  }

  /** After the log restarted empty at a new offset: no snapshot describes it any more. */
  public void rebuildDiscardingSnapshots(Log log) {
    rebuild(log, true);
  }

  private void rebuild(Log log, boolean discardSnapshots) {
    producers.clear();
    long end = log.logEndOffset();
    long offset = log.logStartOffset();
    try {
      ProducerStateSnapshot.deleteAbove(log.dir(), discardSnapshots ? -1 : end);
      Optional<ProducerStateSnapshot.Loaded> snapshot = ProducerStateSnapshot.readLatest(log.dir(), end);
      if (snapshot.isPresent()) {
        producers.putAll(snapshot.get().producers());
        offset = Math.max(offset, snapshot.get().offset());
      }
      lastSnapshotOffset = snapshot.map(ProducerStateSnapshot.Loaded::offset).orElse(-1L);
      while (offset < end) {
        FetchDataInfo info = log.read(offset, SCAN_CHUNK_BYTES, Long.MAX_VALUE, true);
        if (info.records().sizeInBytes() == 0) {
          break;
        }
        long next = offset;
        for (RecordBatch batch : info.records().toMemoryRecords()) {
          if (batch.lastOffset() >= offset) { // a first batch may start before the scan position
            update(batch);
          }
          next = batch.nextOffset();
        }
        if (next <= offset) {
          break;
        }
        offset = next;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("rebuilding producer state of " + log.dir() + " failed", e);
    }
  }

  /** Writes a snapshot at the log end offset unless one is there already. */
  public void takeSnapshot(Log log) {
    long end = log.logEndOffset();
    if (end == lastSnapshotOffset) {
      return;
    }
    try {
      ProducerStateSnapshot.write(log.dir(), end, producers);
      lastSnapshotOffset = end;
    } catch (IOException e) {
      throw new UncheckedIOException("writing the producer-state snapshot of " + log.dir() + " failed", e);
    }
  }

  public int producerCount() {
    return producers.size();
  }
}
