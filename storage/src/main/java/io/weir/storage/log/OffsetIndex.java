package io.weir.storage.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The {@code .index} file: sparse map from a batch's last offset to the batch's byte position in
 * the segment. Entries are 8 bytes (offset relative to the segment base as int32, position as
 * int32); both fields strictly increase. A lookup gives the greatest entry at or below an offset,
 * from where a scan of batch headers finds the batch holding it.
 */
final class OffsetIndex extends AbstractIndex {
  static final int ENTRY_SIZE = 8;

  /** An offset and the position of the batch whose last offset it is. */
  record Entry(long offset, int position) {}

  OffsetIndex(Path file, long baseOffset, int maxIndexSize) throws IOException {
    super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
  }

  @Override
  long keyAt(MappedByteBuffer buffer, int slot) {
    return buffer.getInt(slot * ENTRY_SIZE);
  }

  private Entry entryAt(MappedByteBuffer buffer, int slot) {
    return new Entry(
        baseOffset + buffer.getInt(slot * ENTRY_SIZE), buffer.getInt(slot * ENTRY_SIZE + 4));
  }

  /** Greatest entry with offset at most {@code offset}; (base offset, 0) if there is none. */
  Entry lookup(long offset) {
    int slot = largestLowerBound(offset - baseOffset);
    return slot < 0 ? new Entry(baseOffset, 0) : entryAt(mmap(), slot);
  }

  /** The last entry, or null if the index is empty. */
  Entry lastEntry() {
    int n = entries();
    return n == 0 ? null : entryAt(mmap(), n - 1);
  }

  void append(long offset, int position) {
    Entry last = lastEntry();
    if (last != null && (offset <= last.offset() || position <= last.position())) {
      throw new IllegalStateException(
          "index " + file + ": entry (" + offset + ", " + position + ") does not follow " + last);
    }
    long relative = offset - baseOffset;
    if (relative < 0 || relative > Integer.MAX_VALUE) {
      throw new IllegalStateException(
          "index " + file + ": offset " + offset + " is outside the segment based at " + baseOffset);
    }
    appendEntry(
        (buffer, at) -> {
          buffer.putInt(at, (int) relative);
          buffer.putInt(at + 4, position);
        });
  }

  /** Removes entries for offsets at or above {@code offset}. */
  void truncateTo(long offset) {
    truncateToEntries(largestLowerBound(offset - baseOffset - 1) + 1);
  }

  @Override
  void checkEntry(MappedByteBuffer buffer, int slot, long logSize) {
    Entry e = entryAt(buffer, slot);
    if (e.offset() < baseOffset) {
      throw corrupt(slot, "has offset " + e.offset() + " below the segment base " + baseOffset);
    }
    if (e.position() < 0 || e.position() >= logSize) {
      throw corrupt(slot, "has position " + e.position() + " outside a " + logSize + "-byte log");
    }
    if (slot > 0 && e.position() <= entryAt(buffer, slot - 1).position()) {
      throw corrupt(slot, "has a position not after the previous entry's");
    }
  }
}
