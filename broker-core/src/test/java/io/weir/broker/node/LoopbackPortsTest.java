package io.weir.broker.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
  @Test
  void portsAreDistinctBindableAndBelowTheEphemeralRange() throws IOException {
    List<Integer> ports = LoopbackPorts.free(12);
    assertEquals(12, new HashSet<>(ports).size(), ports.toString());
    Optional<Integer> ephemeralLow = LoopbackPorts.ephemeralLow();
    assumeTrue(ephemeralLow.isPresent(), "no ephemeral port range to compare with on this platform");
    for (int port : ports) {
      assertTrue(port >= LoopbackPorts.LOWEST && port < ephemeralLow.get(), port + " of " + ports);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", port));
      }
    }
  }

  @Test
  void aPortInUseIsSkippedAndTheProbeWrapsAround() throws IOException {
    try (ServerSocket taken = takenWithAFreeNeighbour()) {
      int port = taken.getLocalPort();
      // Probing [port, port + 2) from its second port, then from the taken one and on past it.
      assertEquals(List.of(port + 1), LoopbackPorts.free(1, port, port + 2, 1));
      assertEquals(List.of(port + 1), LoopbackPorts.free(1, port, port + 2, 0));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> LoopbackPorts.free(1, port, port + 1, 0));
      assertEquals("only 0 of 1 ports in [" + port + ", " + (port + 1) + ") are free on 127.0.0.1", e.getMessage());
    }
  }

  /** A listening socket on a port whose next port was free a moment ago. */
  private static ServerSocket takenWithAFreeNeighbour() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = LoopbackPorts.free();
      ServerSocket taken = new ServerSocket();
      try (ServerSocket next = new ServerSocket()) {
        taken.bind(new InetSocketAddress("127.0.0.1", port));
        next.bind(new InetSocketAddress("127.0.0.1", port + 1));
        return taken;
      } catch (IOException e) {
        taken.close(); // one of the two was taken meanwhile: try another port
      }
    }
    throw new IllegalStateException("no two neighbouring free ports on 127.0.0.1 in 100 attempts");
  }
}
