package io.weir.broker.replica;

import io.weir.common.TopicPartition;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The high watermarks of a log directory's partitions, in Kafka's {@code
 * replication-offset-checkpoint} text format (version, count, then {@code topic partition offset}
 * lines), replaced atomically so a crash leaves the old or the new file, never a torn one.
 *
 * <p>Thread-safe: writes synchronize on this object.
 */
public final class HighWatermarkCheckpoint {
  public static final String FILE_NAME = "replication-offset-checkpoint";
  private static final int VERSION = 0;

  private final Path file;

  public HighWatermarkCheckpoint(Path logDir) {
    this.file = logDir.resolve(FILE_NAME);
  }

  /** @throws IOException naming the file and the line when it is malformed */
  public Map<TopicPartition, Long> read() throws IOException {
    Map<TopicPartition, Long> out = new HashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    try {
      if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
        throw new IOException(file + ": missing header or unknown version");
      }
      int count = Integer.parseInt(lines.get(1).trim());
      if (lines.size() != count + 2) {
        throw new IOException(file + ": header says " + count + " entries, found " + (lines.size() - 2));
      }
      for (String line : lines.subList(2, lines.size())) {
        String[] parts = line.trim().split(" ");
        if (parts.length != 3) {
          throw new IOException(file + ": malformed line '" + line + "'");
        }
        out.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
      }
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": malformed content: " + e.getMessage(), e);
    }
    return out;
  }

  public synchronized void write(Map<TopicPartition, Long> highWatermarks) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(VERSION).append('\n').append(highWatermarks.size()).append('\n');
    highWatermarks.forEach(
        (tp, hw) -> sb.append(tp.topic()).append(' ').append(tp.partition()).append(' ').append(hw).append('\n'));
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.writeString(tmp, sb, StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
