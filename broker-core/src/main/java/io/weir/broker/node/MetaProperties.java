package io.weir.broker.node;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The identity file in every log directory (Kafka's {@code meta.properties}, version 1): which
 * cluster and node the directory belongs to, so a node never starts on another node's data.
 */
public record MetaProperties(int nodeId, String clusterId) {
  public static final String FILE_NAME = "meta.properties";
  static final int VERSION = 1;

  public MetaProperties {
    if (nodeId < 0) {
      throw new IllegalArgumentException("node.id must be at least 0, was " + nodeId);
    }
    if (clusterId == null || clusterId.isBlank()) {
      throw new IllegalArgumentException("cluster.id must not be empty");
    }
  }

  /** The file in {@code dir}, or empty if there is none; a malformed file throws naming the file. */
  public static Optional<MetaProperties> read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    String version = props.getProperty("version");
    if (!String.valueOf(VERSION).equals(version)) {
      throw new IllegalStateException(file + " has version " + version + "; this Weir reads version " + VERSION);
    }
    String nodeId = props.getProperty("node.id");
    String clusterId = props.getProperty("cluster.id");
    if (nodeId == null || clusterId == null || clusterId.isBlank()) {
      throw new IllegalStateException(file + " must have node.id and cluster.id");
    }
    try {
      return Optional.of(new MetaProperties(Integer.parseInt(nodeId.trim()), clusterId.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(file + " has an invalid node.id '" + nodeId + "'", e);
    }
  }

  /** Writes the file durably: a temporary file, fsynced, renamed over the old one. */
  public void write(Path dir) {
    Properties props = new Properties();
    props.setProperty("version", String.valueOf(VERSION));
    props.setProperty("node.id", String.valueOf(nodeId));
    props.setProperty("cluster.id", clusterId);
    Path tmp = dir.resolve(FILE_NAME + ".tmp");
    try {
      Files.createDirectories(dir);
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        props.store(out, "Written by weir storage format");
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(FILE_NAME), e);
    }
  }
}
