package io.weir.tools.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The files a dev cluster leaves in its directory, {@code D/pids} (one {@code node.id pid} line per
 * node) and {@code D/bootstrap}, and stopping the processes {@code D/pids} names.
 */
final class DevClusterFiles {
  /** One line of {@code D/pids}. */
  record NodePid(int nodeId, long pid) {}

  private final Path dir;

  DevClusterFiles(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  Path pidsFile() {
    return dir.resolve("pids");
  }

  Path bootstrapFile() {
    return dir.resolve("bootstrap");
  }

  Path nodeDir(int nodeId) {
    return dir.resolve("node-" + nodeId);
  }

  /** The node directories of an earlier cluster in this directory. */
  List<Path> existingNodeDirs() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("node-")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** {@code D/pids}, or empty when there is none; a malformed line is an error naming it. */
  Optional<List<NodePid>> readPids() {
    Path file = pidsFile();
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    List<NodePid> out = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      try {
        if (f.length != 2) {
          throw new NumberFormatException();
        }
        out.add(new NodePid(Integer.parseInt(f[0]), Long.parseLong(f[1])));
      } catch (NumberFormatException e) {
        throw new IllegalStateException(file + " line " + (i + 1) + " is not 'node.id pid': " + line);
      }
    }
    return Optional.of(out);
  }

  void writePids(List<NodePid> pids) {
    StringBuilder sb = new StringBuilder();
    pids.forEach(p -> sb.append(p.nodeId()).append(' ').append(p.pid()).append('\n'));
    write(pidsFile(), sb.toString());
  }

  void writeBootstrap(String bootstrap) {
    write(bootstrapFile(), bootstrap + "\n");
  }

  void deletePidsAndBootstrap() {
    try {
      Files.deleteIfExists(pidsFile());
      Files.deleteIfExists(bootstrapFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + pidsFile() + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, String content) {
    try {
      // Written aside and moved so a reader never sees half a file.
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The live process of a {@code D/pids} line, if it still is that node: a pid reused by another
   * program (whose command line does not name the node's config) is never signalled.
   */
  Optional<ProcessHandle> liveProcess(NodePid p) {
    String config = nodeDir(p.nodeId()).resolve("server.properties").toString();
    return ProcessHandle.of(p.pid())
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().commandLine().map(c -> c.contains(config)).orElse(true));
  }

  /**
   * SIGTERM to every process, then waits up to {@code grace} for them all; those still alive get
   * SIGKILL. Returns the processes that survived even that.
   */
  static List<ProcessHandle> stop(List<ProcessHandle> processes, Duration grace) {
    processes.forEach(ProcessHandle::destroy);
    if (!awaitExit(processes, grace)) {
      processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      awaitExit(processes, Duration.ofSeconds(5));
    }
    return processes.stream().filter(ProcessHandle::isAlive).toList();
  }

  private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
    try {
      CompletableFuture.allOf(processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
