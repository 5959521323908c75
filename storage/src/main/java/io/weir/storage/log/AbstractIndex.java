package io.weir.storage.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sparse, memory-mapped index of fixed-size entries whose keys strictly increase, so lookups are
 * binary searches. A new file is preallocated to the index's maximum size; {@link
 * #trimToValidSize()} cuts it to its entries when the segment stops being active or closes, which
 * is why an existing file's length tells how many entries it holds.
 *
 * <p>Thread discipline: appends, truncation and resizing run under the owning log's lock; lookups
 * run on any thread and only read entries below {@code entries}, which is published after the
 * entry's bytes are written.
 */
abstract class AbstractIndex implements Closeable {
  final Path file;
  final long baseOffset;
  private final int entrySize;
  private final boolean lengthIsWhole; // false: the file was not a whole number of entries
  final boolean existed; // false: created by this open, so it may lack entries the log needs
  private volatile MappedByteBuffer mmap; // replaced under the log lock on resize; readers
  // read it after `entries`
  private volatile int entries; // written under the log lock after the entry bytes
  private int maxEntries; // log lock

  AbstractIndex(Path file, long baseOffset, int maxIndexSize, int entrySize) throws IOException {
    this.file = file;
    this.baseOffset = baseOffset;
    this.entrySize = entrySize;
    this.existed = Files.exists(file);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long length = existed ? raf.length() : roundDown(maxIndexSize);
      if (length > Integer.MAX_VALUE) {
        length = roundDown(Integer.MAX_VALUE);
      }
      if (!existed) {
        raf.setLength(length);
      }
      this.lengthIsWhole = length % entrySize == 0;
      this.entries = existed ? (int) (length / entrySize) : 0;
      this.mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
      this.maxEntries = (int) (length / entrySize);
    }
  }

  private int roundDown(int bytes) {
    return bytes / entrySize * entrySize;
  }

  final int entries() {
    return entries;
  }

  final int maxEntries() {
    return maxEntries;
  }

  final boolean isFull() {
    return entries >= maxEntries;
  }

  final MappedByteBuffer mmap() {
    return mmap;
  }

  /** Writes an entry's bytes at slot {@code entries} with {@code writer}, then publishes it. */
  final void appendEntry(EntryWriter writer) {
    if (isFull()) {
      throw new IllegalStateException("index " + file + " is full at " + entries + " entries");
    }
    writer.write(mmap, entries * entrySize);
    entries = entries + 1;
  }

  @FunctionalInterface
  interface EntryWriter {
    void write(MappedByteBuffer buffer, int position);
  }

  /** Key of the entry in {@code slot}; keys strictly increase with the slot. */
  abstract long keyAt(MappedByteBuffer buffer, int slot);

  /** The last slot whose key is at most {@code target}, or -1 if every key is larger. */
  final int largestLowerBound(long target) {
    int hi = entries - 1;
    // Read after `entries`: a mapping replaced by a resize is then at least as new as the count.
    MappedByteBuffer buffer = mmap;
    int lo = 0;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (keyAt(buffer, mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Forgets entries from {@code slot} on. */
  final void truncateToEntries(int slot) {
    entries = Math.min(entries, Math.max(slot, 0));
  }

  final void reset() {
    truncateToEntries(0);
  }

  /**
   * Remaps the file at {@code newSize} bytes (rounded down to whole entries, never below the
   * entries held): grows the active segment's index, shrinks an inactive one.
   */
  final void resize(int newSize) throws IOException {
    long length = Math.max(roundDown(newSize), (long) entries * entrySize);
    if (length == mmap.capacity()) {
      return;
    }
    mmap.force();
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
      // The old mapping is dropped, not unmapped: Java 17 has no public unmap, and no thread
      // reads it past the new length (readers stay below `entries`).
      mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
      maxEntries = (int) (length / entrySize);
    }
  }

  final void trimToValidSize() throws IOException {
    resize(entries * entrySize);
  }

  final void flush() {
    mmap.force();
  }

  /**
   * Throws {@link IllegalStateException} naming the problem if the file cannot be this segment's
   * index: a length that is not a whole number of entries, or an entry that breaks the index's
   * invariants. The log then rebuilds the index from the segment's batches.
   */
  final void sanityCheck(long logSize) {
    if (!lengthIsWhole) {
      throw new IllegalStateException(
          "index " + file + " is not a whole number of " + entrySize + "-byte entries");
    }
    MappedByteBuffer buffer = mmap;
    for (int slot = 0; slot < entries; slot++) {
      checkEntry(buffer, slot, logSize);
      if (slot > 0 && keyAt(buffer, slot) <= keyAt(buffer, slot - 1)) {
        throw new IllegalStateException(
            "index " + file + " entry " + slot + " does not increase over entry " + (slot - 1));
      }
    }
  }

  /** Checks one entry's own fields; throws IllegalStateException naming what is wrong. */
  abstract void checkEntry(MappedByteBuffer buffer, int slot, long logSize);

  final IllegalStateException corrupt(int slot, String what) {
    return new IllegalStateException("index " + file + " entry " + slot + " " + what);
  }

  /** Trims the file to its entries and drops the mapping; the file stays. */
  @Override
  public void close() throws IOException {
    trimToValidSize();
  }

  final void deleteFile() throws IOException {
    Files.deleteIfExists(file);
  }
}
