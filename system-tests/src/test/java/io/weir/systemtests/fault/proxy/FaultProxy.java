package io.weir.systemtests.fault.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of one listener of one node, owned by the test: nodes advertise (and name in
 * their quorum voters) the proxy's port and bind the real one. Each accepted connection learns the
 * node it comes from through {@link SocketOwners} (connections never share a source: a node's
 * outgoing sockets belong to its process), so {@link LinkRules} can cut, block or delay exactly the
 * link between two nodes. Blocking sockets, two pump threads per connection, on a cached pool that
 * {@link #close} shuts down; the number of connections is that of a few nodes and clients.
 */
public final class FaultProxy implements AutoCloseable {
  private final String name;
  private final int node; // the node behind this proxy
  private final int targetPort;
  private final LinkRules rules;
  private final SocketOwners owners;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final Set<Connection> connections = new HashSet<>(); // guarded by itself
  private volatile boolean closed;

  /** One proxied connection: {@code source} is the connecting node (0: a client). */
  private record Connection(int source, Socket downstream, Socket upstream) {
    void close() {
      quietly(downstream);
      quietly(upstream);
    }
  }

  public FaultProxy(String name, int node, int targetPort, LinkRules rules, SocketOwners owners) throws IOException {
    this.name = name;
    this.node = node;
    this.targetPort = targetPort;
    this.rules = rules;
    this.owners = owners;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    rules.onCut(this::closeBetween);
    threads.execute(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  @Override
  public String toString() {
    return name + " :" + port() + " -> :" + targetPort;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket downstream;
      try {
        downstream = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      threads.execute(() -> open(downstream));
    }
  }

  private void open(Socket downstream) {
    int source = owners.nodeOf(downstream.getPort(), port());
    if (rules.isCut(source, node) || closed) {
      quietly(downstream);
      return;
    }
    Socket upstream = new Socket();
    try {
      downstream.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
    } catch (IOException e) {
      quietly(upstream);
      quietly(downstream); // the node is down: its client sees a refused-like close
      return;
    }
    Connection c = new Connection(source, downstream, upstream);
    synchronized (connections) {
      if (closed) {
        c.close();
        return;
      }
      connections.add(c);
    }
    threads.execute(() -> pump(c, downstream, upstream, source, node));
    threads.execute(() -> pump(c, upstream, downstream, node, source));
  }

  private void pump(Connection c, Socket from, Socket to, int fromNode, int toNode) {
    byte[] buffer = new byte[64 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        if (!rules.awaitPassage(fromNode, toNode, () -> !closed && !from.isClosed())) {
          break;
        }
        out.write(buffer, 0, n);
      }
    } catch (SocketException e) {
      // the other pump or a cut closed the connection
    } catch (IOException e) {
      // peer reset
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    c.close();
    synchronized (connections) {
      connections.remove(c);
    }
  }

  private int closeBetween(int a, int b) {
    if (node != a && node != b) {
      return 0;
    }
    int other = node == a ? b : a;
    int closed = 0;
    synchronized (connections) {
      for (var it = connections.iterator(); it.hasNext(); ) {
        Connection c = it.next();
        if (c.source() == other) {
          c.close();
          it.remove();
          closed++;
        }
      }
    }
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    quietly(server);
    synchronized (connections) {
      connections.forEach(Connection::close);
      connections.clear();
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void quietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
