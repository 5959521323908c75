package io.weir.client.admin;

import io.weir.client.common.Node;
import java.util.Collection;

/** The cluster id, the active controller's id (-1 if unknown) and the live brokers. */
public record ClusterDescription(String clusterId, int controllerId, Collection<Node> nodes) {}
