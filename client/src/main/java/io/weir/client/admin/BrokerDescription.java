package io.weir.client.admin;

import java.util.List;

/** The cluster as the AdminService describes it: every registered broker, fenced or not. */
public record BrokerDescription(String clusterId, int controllerId, List<Broker> brokers) {
  public BrokerDescription {
    brokers = List.copyOf(brokers);
  }

  /** {@code rack} is empty when the broker has no broker.rack. */
  public record Broker(int id, String host, int port, String rack, boolean fenced) {}
}
