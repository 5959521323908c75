package io.weir.broker.replica;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The topic id a partition directory belongs to, as Kafka's {@code partition.metadata} ({@code
 * version: 0} and {@code topic_id: <id>} lines). A directory whose id differs from the metadata
 * image's is a deleted topic's, left behind while the broker was down.
 */
final class PartitionMetadataFile {
  static final String FILE_NAME = "partition.metadata";

  private PartitionMetadataFile() {}

  /** @throws IOException naming the file when it is not in the expected format */
  static Optional<String> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.size() < 2 || !lines.get(0).trim().equals("version: 0") || !lines.get(1).startsWith("topic_id: ")) {
      throw new IOException(file + " is not 'version: 0' followed by 'topic_id: <id>'");
    }
    return Optional.of(lines.get(1).substring("topic_id: ".length()).trim());
  }

  static void write(Path dir, String topicId) throws IOException {
    Path tmp = dir.resolve(FILE_NAME + ".tmp");
    Files.writeString(tmp, "version: 0\ntopic_id: " + topicId + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
