package io.weir.client.common;

import java.util.Optional;

/** A broker as the cluster's metadata describes it. */
public record Node(int id, String host, int port, Optional<String> rack) {
  public String address() {
    return host + ":" + port;
  }
}
