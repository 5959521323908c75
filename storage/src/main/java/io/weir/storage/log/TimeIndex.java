package io.weir.storage.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The {@code .timeindex} file: sparse map from the segment's largest timestamp so far to the last
 * offset of the batch that first reached it. Entries are 12 bytes (timestamp int64, offset relative
 * to the segment base int32); timestamps strictly increase, offsets do not decrease. Every record
 * before an entry's batch has a smaller timestamp, so a search for timestamp T can start at the
 * batch of the greatest entry at or below T.
 */
final class TimeIndex extends AbstractIndex {
  static final int ENTRY_SIZE = 12;

  record Entry(long timestamp, long offset) {}

  TimeIndex(Path file, long baseOffset, int maxIndexSize) throws IOException {
    super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
  }

  @Override
  long keyAt(MappedByteBuffer buffer, int slot) {
    return buffer.getLong(slot * ENTRY_SIZE);
  }

  private Entry entryAt(MappedByteBuffer buffer, int slot) {
    return new Entry(
        buffer.getLong(slot * ENTRY_SIZE), baseOffset + buffer.getInt(slot * ENTRY_SIZE + 8));
  }

  /** Greatest entry with timestamp at most {@code timestamp}, or null if there is none. */
  Entry lookup(long timestamp) {
    int slot = largestLowerBound(timestamp);
    return slot < 0 ? null : entryAt(mmap(), slot);
  }

  Entry lastEntry() {
    int n = entries();
    return n == 0 ? null : entryAt(mmap(), n - 1);
  }

  /** Appends unless {@code timestamp} is not above the last entry's (the index stays monotonic). */
  void maybeAppend(long timestamp, long offset) {
    Entry last = lastEntry();
    if (last != null && timestamp <= last.timestamp()) {
      return;
    }
    if (last != null && offset < last.offset()) {
      throw new IllegalStateException(
          "time index " + file + ": offset " + offset + " is below the last entry's " + last);
    }
    long relative = offset - baseOffset;
    if (relative < 0 || relative > Integer.MAX_VALUE) {
      throw new IllegalStateException(
          "time index " + file + ": offset " + offset + " is outside the segment based at "
              + baseOffset);
    }
    appendEntry(
        (buffer, at) -> {
          buffer.putLong(at, timestamp);
          buffer.putInt(at + 8, (int) relative);
        });
  }

  /** Removes entries pointing at offsets at or above {@code offset}. */
  void truncateTo(long offset) {
    int keep = entries();
    MappedByteBuffer buffer = mmap();
    while (keep > 0 && entryAt(buffer, keep - 1).offset() >= offset) {
      keep--;
    }
    truncateToEntries(keep);
  }

  @Override
  void checkEntry(MappedByteBuffer buffer, int slot, long logSize) {
    Entry e = entryAt(buffer, slot);
    if (e.offset() < baseOffset) {
      throw corrupt(slot, "has offset " + e.offset() + " below the segment base " + baseOffset);
    }
    if (slot > 0 && e.offset() < entryAt(buffer, slot - 1).offset()) {
      throw corrupt(slot, "has an offset below the previous entry's");
    }
  }
}
