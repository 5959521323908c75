package io.weir.systemtests.fault.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against an echo server, with this JVM standing as node 7 (found through /proc). */
class FaultProxyTest {
  private static final int SELF = 7;
  private static final int TARGET = 1;

  private final ExecutorService echoThreads = Executors.newCachedThreadPool();
  private final LinkRules rules = new LinkRules();
  private ServerSocket echo;
  private FaultProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket();
    echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    echoThreads.execute(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          echoThreads.execute(() -> {
            try (s) {
              s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException e) {
              // the client went away
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
    SocketOwners owners = new SocketOwners(() -> Map.of(SELF, ProcessHandle.current().pid()));
    proxy = new FaultProxy("echo", TARGET, echo.getLocalPort(), rules, owners);
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
    echoThreads.shutdownNow();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 5_000);
    s.setSoTimeout(5_000);
    return s;
  }

  private static void roundTrip(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes());
    out.flush();
    byte[] got = s.getInputStream().readNBytes(text.length());
    assertEquals(text, new String(got));
  }

  @Test
  void forwardsBothWays() throws IOException {
    try (Socket s = connect()) {
      roundTrip(s, "hello");
      roundTrip(s, "again");
    }
  }

  @Test
  void aCutClosesTheLinksConnectionsAndRefusesNewOnesUntilHealed() throws IOException {
    try (Socket s = connect()) {
      roundTrip(s, "before");
      assertEquals(1, rules.cut(SELF, TARGET), "the one open connection is closed");
      InputStream in = s.getInputStream();
      assertEquals(-1, in.read(), "the cut closes the open connection");
    }
    try (Socket s = connect()) {
      assertEquals(-1, s.getInputStream().read(), "a new connection over a cut link is closed at once");
    }
    rules.heal();
    try (Socket s = connect()) {
      roundTrip(s, "after");
    }
  }

  @Test
  void aCutBetweenOtherNodesLeavesThisLinkAlone() throws IOException {
    try (Socket s = connect()) {
      assertEquals(0, rules.cut(SELF, 3));
      assertEquals(0, rules.cut(2, TARGET));
      roundTrip(s, "still here");
    }
  }

  @Test
  void aOneWayBlockHoldsBytesUntilHealedAndTheOtherDirectionStillFlows() throws IOException {
    try (Socket s = connect()) {
      roundTrip(s, "warm");
      rules.block(TARGET, SELF); // the echo's replies are held, our bytes still reach it
      s.getOutputStream().write("held".getBytes());
      s.setSoTimeout(700);
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
      rules.heal();
      s.setSoTimeout(5_000);
      assertEquals("held", new String(s.getInputStream().readNBytes(4)));
    }
  }

  @Test
  void aDelayedLinkForwardsLate() throws IOException {
    try (Socket s = connect()) {
      roundTrip(s, "warm");
      rules.delay(SELF, TARGET, 300);
      long start = System.nanoTime();
      roundTrip(s, "slow");
      assertTrue(System.nanoTime() - start >= 300_000_000L, "the round trip took at least the delay");
    }
  }
}
