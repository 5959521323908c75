package io.weir.broker.node;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Formats a node's directories ({@code weir storage format}) and checks them at start, as Kafka's
 * {@code StorageTool} and {@code KafkaRaftServer} do: every directory must carry a {@code
 * meta.properties} with this node's id and one shared cluster id.
 */
public final class StorageFormatter {
  private StorageFormatter() {}

  /** A new cluster id in Kafka's form: a random UUID as 22 characters of URL-safe base64. */
  public static String randomClusterId() {
    UUID uuid = UUID.randomUUID();
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  /**
   * Writes {@code meta.properties} into each directory that has none. A directory already formatted
   * for this node and cluster is left as it is; one formatted for another node or cluster is refused.
   */
  public static void format(List<Path> dirs, int nodeId, String clusterId) {
    MetaProperties meta = new MetaProperties(nodeId, clusterId);
    for (Path dir : dirs) {
      Optional<MetaProperties> existing = MetaProperties.read(dir);
      if (existing.isPresent()) {
        check(dir, existing.get(), nodeId, clusterId);
      } else {
        meta.write(dir);
      }
    }
  }

  /**
   * Checks that every directory is formatted for {@code nodeId} and the same cluster.
   *
   * @return the cluster id
   * @throws IllegalStateException naming the directory that is unformatted or belongs elsewhere
   */
  public static String verify(List<Path> dirs, int nodeId) {
    String clusterId = null;
    for (Path dir : dirs) {
      MetaProperties meta = MetaProperties.read(dir).orElseThrow(() -> new IllegalStateException(
          "No " + MetaProperties.FILE_NAME + " found in " + dir + " (have you run `weir storage format`?)"));
      check(dir, meta, nodeId, clusterId == null ? meta.clusterId() : clusterId);
      clusterId = meta.clusterId();
    }
    return clusterId;
  }

  /** The cluster id of the first formatted directory, if any: a dev node reuses it on restart. */
  public static Optional<String> existingClusterId(List<Path> dirs) {
    for (Path dir : dirs) {
      Optional<MetaProperties> meta = MetaProperties.read(dir);
      if (meta.isPresent()) {
        return Optional.of(meta.get().clusterId());
      }
    }
    return Optional.empty();
  }

  private static void check(Path dir, MetaProperties meta, int nodeId, String clusterId) {
    if (meta.nodeId() != nodeId) {
      throw new IllegalStateException("Stored node id " + meta.nodeId() + " in " + dir.resolve(MetaProperties.FILE_NAME)
          + " doesn't match node.id " + nodeId);
    }
    if (!meta.clusterId().equals(clusterId)) {
      throw new IllegalStateException("Cluster id " + meta.clusterId() + " in " + dir.resolve(MetaProperties.FILE_NAME)
          + " doesn't match " + clusterId + ": the directory belongs to another cluster");
    }
  }
}
