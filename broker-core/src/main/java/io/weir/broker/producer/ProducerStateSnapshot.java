package io.weir.broker.producer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Producer state at a log offset, in the partition directory as {@code <offset, 20 digits>.snapshot}
 * (as Kafka names them): version, offset, producers with their cached batches, and a CRC-32C of it
 * all. A snapshot that fails its check is skipped (an older one or a full log scan replaces it), so
 * it needs no fsync: it only shortens the scan at startup.
 */
final class ProducerStateSnapshot {
  private static final Logger log = LoggerFactory.getLogger(ProducerStateSnapshot.class);
  static final String SUFFIX = ".snapshot";
  private static final int VERSION = 1;
  private static final int KEEP = 2;

  record Loaded(long offset, Map<Long, ProducerStateEntry> producers) {}

  private ProducerStateSnapshot() {}

  static Path file(Path dir, long offset) {
    return dir.resolve(String.format("%020d", offset) + SUFFIX);
  }

  static void write(Path dir, long offset, Map<Long, ProducerStateEntry> producers) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(VERSION);
      out.writeLong(offset);
      out.writeInt(producers.size());
      for (Map.Entry<Long, ProducerStateEntry> e : producers.entrySet()) {
        out.writeLong(e.getKey());
        out.writeShort(e.getValue().epoch());
        List<BatchMetadata> batches = new ArrayList<>();
        e.getValue().batches().forEach(batches::add);
        out.writeInt(batches.size());
        for (BatchMetadata b : batches) {
          out.writeInt(b.firstSeq());
          out.writeInt(b.lastSeq());
          out.writeLong(b.firstOffset());
          out.writeLong(b.lastOffset());
          out.writeLong(b.timestamp());
        }
      }
    }
    byte[] body = bytes.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(body);
    ByteBuffer content = ByteBuffer.allocate(body.length + Integer.BYTES).put(body).putInt((int) crc.getValue());
    Path tmp = dir.resolve(String.format("%020d", offset) + SUFFIX + ".tmp");
    Files.write(tmp, content.array());
    Files.move(tmp, file(dir, offset), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    for (long old : offsets(dir).stream().sorted(Comparator.reverseOrder()).skip(KEEP).toList()) {
      Files.deleteIfExists(file(dir, old));
    }
  }

  /** The newest readable snapshot at or below {@code maxOffset}. */
  static Optional<Loaded> readLatest(Path dir, long maxOffset) throws IOException {
    for (long offset : offsets(dir).stream().sorted(Comparator.reverseOrder()).toList()) {
      if (offset > maxOffset) {
        continue;
      }
      try {
        return Optional.of(read(file(dir, offset), offset));
      } catch (IOException e) {
        log.warn("skipping producer-state snapshot {}: {}", file(dir, offset), e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** Deletes snapshots above {@code offset}: the log was truncated below them. */
  static void deleteAbove(Path dir, long offset) throws IOException {
    for (long o : offsets(dir)) {
      if (o > offset) {
        Files.deleteIfExists(file(dir, o));
      }
    }
  }

  private static Loaded read(Path file, long expectedOffset) throws IOException {
    byte[] all = Files.readAllBytes(file);
    if (all.length < Integer.BYTES * 3 + Long.BYTES) {
      throw new IOException("too short (" + all.length + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - Integer.BYTES);
    int stored = ByteBuffer.wrap(all, all.length - Integer.BYTES, Integer.BYTES).getInt();
    if (stored != (int) crc.getValue()) {
      throw new IOException("CRC mismatch");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - Integer.BYTES))) {
      int version = in.readInt();
      if (version != VERSION) {
        throw new IOException("unknown version " + version);
      }
      long offset = in.readLong();
      if (offset != expectedOffset) {
        throw new IOException("holds offset " + offset + ", its name says " + expectedOffset);
      }
      int count = in.readInt();
      Map<Long, ProducerStateEntry> producers = new HashMap<>();
      for (int i = 0; i < count; i++) {
        long pid = in.readLong();
        short epoch = in.readShort();
        ProducerStateEntry entry = new ProducerStateEntry(epoch);
        int batches = in.readInt();
        for (int b = 0; b < batches; b++) {
          entry.add(epoch, new BatchMetadata(in.readInt(), in.readInt(), in.readLong(), in.readLong(), in.readLong()));
        }
        producers.put(pid, entry);
      }
      return new Loaded(offset, producers);
    }
  }

  private static List<Long> offsets(Path dir) throws IOException {
    List<Long> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        try {
          out.add(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
        } catch (NumberFormatException e) {
          // not ours
        }
      }
    }
    return out;
  }
}
