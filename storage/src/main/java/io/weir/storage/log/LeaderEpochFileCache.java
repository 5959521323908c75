package io.weir.storage.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Leader epoch to the first offset written in that epoch, for one partition, checkpointed to the
 * partition's {@code leader-epoch-checkpoint} on every change. Invariant: epochs and start offsets
 * both strictly increase. It answers Kafka's OffsetsForLeaderEpoch question — where did epoch E
 * end? — which a follower asks to find where its log diverges from the leader's.
 *
 * <p>Thread discipline: all methods synchronize on the cache; mutations come from the log's writer
 * (under the log lock), {@link #endOffsetFor} from any request thread.
 */
public final class LeaderEpochFileCache {
  public static final int UNDEFINED_EPOCH = -1;
  public static final long UNDEFINED_EPOCH_OFFSET = -1L;

  /** An epoch and the first offset of its batches. */
  public record EpochEntry(int epoch, long startOffset) {}

  /** Answer to "end offset for epoch": the largest known epoch at or below the one asked for. */
  public record EpochEndOffset(int epoch, long endOffset) {}

  private final CheckpointFile checkpoint;
  private final TreeMap<Integer, Long> epochs = new TreeMap<>(); // guarded by this

  LeaderEpochFileCache(CheckpointFile checkpoint, List<EpochEntry> initial) {
    this.checkpoint = checkpoint;
    for (EpochEntry e : initial) {
      epochs.put(e.epoch(), e.startOffset());
    }
    checkInvariant();
  }

  /** Reads the checkpoint; null if it does not exist. Throws on a malformed file. */
  static List<EpochEntry> readCheckpoint(CheckpointFile file) throws IOException {
    List<String> lines = file.read();
    if (lines == null) {
      return null;
    }
    List<EpochEntry> entries = new ArrayList<>(lines.size());
    for (String line : lines) {
      String[] parts = line.trim().split("\\s+");
      try {
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        entries.add(new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
      } catch (NumberFormatException e) {
        throw new CorruptCheckpointException(file.file, "has entry '" + line + "', not 'epoch offset'");
      }
    }
    for (int i = 1; i < entries.size(); i++) {
      EpochEntry prev = entries.get(i - 1);
      EpochEntry cur = entries.get(i);
      if (cur.epoch() <= prev.epoch() || cur.startOffset() <= prev.startOffset()) {
        throw new CorruptCheckpointException(
            file.file, "has entry " + cur + " that does not increase over " + prev);
      }
    }
    return entries;
  }

  private void checkInvariant() {
    long prevOffset = Long.MIN_VALUE;
    for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
      if (e.getKey() < 0 || e.getValue() <= prevOffset) {
        throw new IllegalStateException("leader epoch entries do not increase: " + epochs);
      }
      prevOffset = e.getValue();
    }
  }

  /**
   * Records that {@code epoch} starts at {@code startOffset}. A no-op unless the epoch is newer
   * than the latest known; entries at or after {@code startOffset} are dropped first (they came
   * from a log that has since been truncated).
   */
  public synchronized void assign(int epoch, long startOffset) throws IOException {
    if (epoch < 0 || (!epochs.isEmpty() && epoch <= epochs.lastKey())) {
      return;
    }
    epochs.values().removeIf(offset -> offset >= startOffset);
    epochs.put(epoch, startOffset);
    flush();
  }

  public synchronized int latestEpoch() {
    return epochs.isEmpty() ? UNDEFINED_EPOCH : epochs.lastKey();
  }

  public synchronized List<EpochEntry> entries() {
    List<EpochEntry> list = new ArrayList<>(epochs.size());
    epochs.forEach((epoch, offset) -> list.add(new EpochEntry(epoch, offset)));
    return list;
  }

  /**
   * Kafka's OffsetsForLeaderEpoch answer for {@code requestedEpoch}: the largest epoch at or below
   * it and the start offset of the next larger epoch (or {@code logEndOffset} if it is the latest).
   * An epoch older than all known ones answers itself with the first known start offset; an
   * unknown epoch newer than all, or {@link #UNDEFINED_EPOCH}, answers undefined.
   */
  public synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
    if (requestedEpoch == UNDEFINED_EPOCH || epochs.isEmpty()) {
      return new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
    }
    if (requestedEpoch == epochs.lastKey()) {
      return new EpochEndOffset(requestedEpoch, logEndOffset);
    }
    Map.Entry<Integer, Long> higher = epochs.higherEntry(requestedEpoch);
    if (higher == null) {
      return new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
    }
    Map.Entry<Integer, Long> floor = epochs.floorEntry(requestedEpoch);
    return floor == null
        ? new EpochEndOffset(requestedEpoch, higher.getValue())
        : new EpochEndOffset(floor.getKey(), higher.getValue());
  }

  /** Drops epochs starting at or after {@code endOffset}: the log was truncated there. */
  public synchronized void truncateFromEnd(long endOffset) throws IOException {
    if (epochs.values().removeIf(offset -> offset >= endOffset)) {
      flush();
    }
  }

  /**
   * The log now starts at {@code startOffset}: drops epochs that ended before it and moves the
   * start of the epoch containing it up to it.
   */
  public synchronized void truncateFromStart(long startOffset) throws IOException {
    Map.Entry<Integer, Long> floor = null;
    for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
      if (e.getValue() <= startOffset) {
        floor = e;
      }
    }
    if (floor == null || (floor.getValue() == startOffset && floor.getKey().equals(epochs.firstKey()))) {
      return;
    }
    int keep = floor.getKey();
    epochs.headMap(keep, false).clear();
    epochs.put(keep, startOffset);
    flush();
  }

  public synchronized void clear() throws IOException {
    epochs.clear();
    flush();
  }

  private void flush() throws IOException {
    List<String> lines = new ArrayList<>(epochs.size());
    epochs.forEach((epoch, offset) -> lines.add(epoch + " " + offset));
    checkpoint.write(lines);
  }
}
