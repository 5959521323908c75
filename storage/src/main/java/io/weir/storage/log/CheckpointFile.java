package io.weir.storage.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A small text checkpoint in Kafka's layout: a version line, a count line, then one entry per line.
 * Writes are atomic: the content goes to {@code <name>.tmp}, is fsynced, renamed over the file, and
 * the directory is fsynced, so a reader sees the old content or the new, never a mix. A stale
 * {@code .tmp} left by a crash is never read and is overwritten by the next write.
 *
 * <p>Not thread-safe: each checkpoint has one writer (its owner's lock).
 */
final class CheckpointFile {
  static final int VERSION = 0;

  final Path file;
  private final Path tmp;

  CheckpointFile(Path file) {
    this.file = file;
    this.tmp = file.resolveSibling(file.getFileName() + ".tmp");
  }

  void write(List<String> entries) throws IOException {
    StringBuilder text = new StringBuilder();
    text.append(VERSION).append('\n').append(entries.size()).append('\n');
    for (String entry : entries) {
      text.append(entry).append('\n');
    }
    ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(file.getParent());
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /**
   * The entries, or null if the file does not exist.
   *
   * @throws CorruptCheckpointException if the file is not a well-formed checkpoint
   */
  List<String> read() throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (lines.size() < 2) {
      throw new CorruptCheckpointException(file, "has " + lines.size() + " lines, needs at least 2");
    }
    if (!lines.get(0).trim().equals(Integer.toString(VERSION))) {
      throw new CorruptCheckpointException(
          file, "has version '" + lines.get(0) + "', expected " + VERSION);
    }
    int count;
    try {
      count = Integer.parseInt(lines.get(1).trim());
    } catch (NumberFormatException e) {
      throw new CorruptCheckpointException(file, "has count '" + lines.get(1) + "'");
    }
    if (count < 0 || count != lines.size() - 2) {
      throw new CorruptCheckpointException(
          file, "declares " + count + " entries but holds " + (lines.size() - 2));
    }
    return new ArrayList<>(lines.subList(2, lines.size()));
  }

  /** A single-number checkpoint's value, or null if the file does not exist. */
  Long readLong() throws IOException {
    List<String> entries = read();
    if (entries == null) {
      return null;
    }
    if (entries.size() != 1) {
      throw new CorruptCheckpointException(file, "holds " + entries.size() + " entries, expected 1");
    }
    try {
      return Long.parseLong(entries.get(0).trim());
    } catch (NumberFormatException e) {
      throw new CorruptCheckpointException(file, "holds '" + entries.get(0) + "', not a number");
    }
  }

  void writeLong(long value) throws IOException {
    write(List.of(Long.toString(value)));
  }
}
