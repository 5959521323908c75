package io.weir.systemtests.fault.proxy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Finds which node opened a loopback connection, on Linux: the connecting socket's local port
 * names a line of {@code /proc/net/tcp} or {@code tcp6} holding its inode, and the process whose
 * {@code /proc/<pid>/fd} links to {@code socket:[inode]} is the node. Returns 0 for anything else
 * (the test's own clients, a process already gone).
 */
public final class SocketOwners {
  private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

  private final Supplier<Map<Integer, Long>> pidsByNode; // node id -> pid of its running process

  public SocketOwners(Supplier<Map<Integer, Long>> pidsByNode) {
    this.pidsByNode = pidsByNode;
  }

  /** The node whose process holds the socket bound to {@code localPort} and connected to {@code remotePort}. */
  public int nodeOf(int localPort, int remotePort) {
    String inode = inode(localPort, remotePort);
    if (inode == null) {
      return 0;
    }
    String link = "socket:[" + inode + "]";
    for (Map.Entry<Integer, Long> e : pidsByNode.get().entrySet()) {
      if (holds(e.getValue(), link)) {
        return e.getKey();
      }
    }
    return 0;
  }

  private static String inode(int localPort, int remotePort) {
    for (Path table : TABLES) {
      List<String> lines;
      try {
        lines = Files.readAllLines(table);
      } catch (IOException e) {
        continue; // no IPv6 table on this machine
      }
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).trim().split("\\s+");
        if (f.length > 9 && port(f[1]) == localPort && port(f[2]) == remotePort) {
          return f[9];
        }
      }
    }
    return null;
  }

  private static int port(String hexAddress) {
    return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
  }

  private static boolean holds(long pid, String link) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          if (link.equals(Files.readSymbolicLink(fd).toString())) {
            return true;
          }
        } catch (IOException e) {
          // closed while we looked
        }
      }
    } catch (IOException e) {
      return false; // the process is gone
    }
    return false;
  }
}
