package io.weir.broker.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports on 127.0.0.1 for nodes that must know each other's ports before any of them binds its
 * own (the controller voter list): the processes of {@code weir dev cluster} and the test clusters.
 * A port found free in the kernel's ephemeral range can be handed to a running node's outgoing
 * connection, or to another socket's bind of port 0, before its own node binds it; so where that
 * range can be read (Linux), ports are picked below it, where only a bind by number can take them.
 */
public final class LoopbackPorts {
  private static final String HOST = "127.0.0.1";
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** Below this are the well-known and many registered services' ports. */
  static final int LOWEST = 10_000;
  /** Too few ports below the ephemeral range to spread concurrent pickers: let the kernel choose. */
  private static final int MIN_SPAN = 2_000;

  private LoopbackPorts() {}

  /** {@code count} distinct ports that were free a moment ago. */
  public static List<Integer> free(int count) {
    Optional<Integer> ephemeralLow = ephemeralLow();
    if (ephemeralLow.isPresent() && ephemeralLow.get() - LOWEST >= MIN_SPAN) {
      return free(count, LOWEST, ephemeralLow.get(), ThreadLocalRandom.current().nextInt(ephemeralLow.get() - LOWEST));
    }
    return kernelChosen(count);
  }

  public static int free() {
    return free(1).get(0);
  }

  /**
   * {@code count} ports in [{@code from}, {@code to}) that can be bound now, probing upward from
   * {@code from + offset} and wrapping; the random offset keeps concurrent pickers apart.
   */
  static List<Integer> free(int count, int from, int to, int offset) {
    List<ServerSocket> held = new ArrayList<>(); // held until all are chosen, so that none repeats
    try {
      int span = to - from;
      for (int i = 0; i < span && held.size() < count; i++) {
        bind(from + Math.floorMod(offset + i, span)).ifPresent(held::add);
      }
      if (held.size() < count) {
        throw new IllegalStateException("only " + held.size() + " of " + count + " ports in [" + from + ", " + to
            + ") are free on 127.0.0.1");
      }
      return held.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      held.forEach(LoopbackPorts::close);
    }
  }

  /** The low end of the kernel's ephemeral port range, where the platform says. */
  static Optional<Integer> ephemeralLow() {
    // One read of a whole line: some kernels answer a procfs read at a nonzero offset with end of file.
    try (BufferedReader r = Files.newBufferedReader(EPHEMERAL_RANGE)) {
      return Optional.of(Integer.parseInt(r.readLine().trim().split("\\s+")[0]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // not Linux, or no procfs: fall back to the kernel's choice
    }
  }

  private static List<Integer> kernelChosen(int count) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        held.add(bind(0).orElseThrow(() -> new UncheckedIOException(new IOException("no free port on 127.0.0.1"))));
      }
      return held.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      held.forEach(LoopbackPorts::close);
    }
  }

  private static Optional<ServerSocket> bind(int port) {
    try {
      ServerSocket s = new ServerSocket();
      try {
        s.bind(new InetSocketAddress(HOST, port), 1);
        return Optional.of(s);
      } catch (IOException e) {
        close(s);
        return Optional.empty();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a socket: " + e.getMessage(), e);
    }
  }

  private static void close(ServerSocket s) {
    try {
      s.close();
    } catch (IOException e) {
      // A listening socket that never accepted holds nothing to lose.
    }
  }
}
