package io.weir.client.common.network;

import io.grpc.StatusRuntimeException;
import io.weir.client.common.Node;
import io.weir.common.config.ConfigException;
import io.weir.client.common.errors.InterruptException;
import io.weir.client.common.errors.TimeoutException;
import io.weir.client.common.errors.WeirException;
import io.weir.proto.v1.MetadataRequest;
import io.weir.proto.v1.MetadataResponse;
import io.weir.proto.v1.MetadataServiceGrpc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's cached view of the cluster for the topics it uses. Any broker answers for the whole
 * cluster, so a refresh asks the known brokers first and falls back to {@code bootstrap.servers}.
 * Refreshed when an error invalidates it and every {@code metadata.max.age.ms}.
 *
 * <p>Thread-safe: the snapshot is an immutable {@link Cluster} behind a volatile; refreshes are
 * serialised by this object's monitor.
 */
public final class Metadata {
  private static final Logger log = LoggerFactory.getLogger(Metadata.class);

  private final List<String> bootstrap;
  private final ChannelPool channels;
  private final long maxAgeMs;
  private final long requestTimeoutMs;
  private final long retryBackoffMs;
  private final Set<String> topics = ConcurrentHashMap.newKeySet(); // topics of interest, any thread
  private volatile Cluster cluster = Cluster.EMPTY; // replaced whole under this monitor
  private volatile long lastRefreshMs = -1; // under this monitor
  private volatile long lastAttemptMs = Long.MIN_VALUE / 2; // under this monitor
  private volatile boolean updateRequested = true; // any thread

  public Metadata(List<String> bootstrap, ChannelPool channels, long maxAgeMs, long requestTimeoutMs, long retryBackoffMs) {
    for (String address : bootstrap) {
      parse(address);
    }
    this.bootstrap = List.copyOf(bootstrap);
    this.channels = channels;
    this.maxAgeMs = maxAgeMs;
    this.requestTimeoutMs = requestTimeoutMs;
    this.retryBackoffMs = retryBackoffMs;
  }

  private static String[] parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new ConfigException("bootstrap.servers", address, "expected host:port");
    }
    try {
      Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ConfigException("bootstrap.servers", address, "port is not a number");
    }
    return new String[] {address.substring(0, colon), address.substring(colon + 1)};
  }

  public Cluster cluster() {
    return cluster;
  }

  /** Adds topics to those refreshed; returns true when one was new (a refresh is then requested). */
  public boolean addTopics(Iterable<String> names) {
    boolean added = false;
    for (String t : names) {
      added |= topics.add(t);
    }
    if (added) {
      updateRequested = true;
    }
    return added;
  }

  public void setTopics(Set<String> names) {
    topics.retainAll(names);
    addTopics(names);
  }

  public void requestUpdate() {
    updateRequested = true;
  }

  public boolean updateDue(long nowMs) {
    return updateRequested || lastRefreshMs < 0 || nowMs - lastRefreshMs >= maxAgeMs;
  }

  /**
   * Refreshes when requested or stale, at most once per {@code retry.backoff.ms}; failures are
   * logged and leave the update requested.
   */
  public void maybeRefresh(long nowMs) {
    if (!updateDue(nowMs) || nowMs - lastAttemptMs < retryBackoffMs) {
      return;
    }
    try {
      refresh(Collections.unmodifiableSet(topics), nowMs + requestTimeoutMs);
    } catch (WeirException e) {
      log.debug("metadata refresh failed: {}", e.getMessage());
    }
  }

  /** Fetches the given topics (all topics when {@code topics} is null) and caches the answer. */
  public synchronized Cluster refresh(Set<String> requested, long deadlineMs) {
    MetadataRequest.Builder request = MetadataRequest.newBuilder();
    if (requested != null) {
      if (requested.isEmpty()) {
        // Kafka asks for no topics with an empty list; an empty list here means "all", so ask for
        // an impossible name instead to learn only the brokers.
        request.addTopics("");
      } else {
        request.addAllTopics(requested);
      }
    }
    updateRequested = false;
    lastAttemptMs = System.currentTimeMillis();
    Exception last = null;
    for (String[] address : candidates()) {
      long remaining = deadlineMs - System.currentTimeMillis();
      if (remaining <= 0) {
        break;
      }
      try {
        MetadataResponse response =
            MetadataServiceGrpc.newBlockingStub(channels.channel(address[0], Integer.parseInt(address[1])))
                .withDeadlineAfter(Math.min(remaining, requestTimeoutMs), TimeUnit.MILLISECONDS)
                .getMetadata(request.build());
        Cluster fresh = Cluster.from(response);
        if (requested == null || !requested.isEmpty()) {
          cluster = fresh;
        } else {
          cluster = new Cluster(fresh.clusterId(), fresh.controllerId(), fresh.nodes(), cluster.partitionsByTopic(), cluster.topicErrors(), cluster.topicIds());
        }
        lastRefreshMs = System.currentTimeMillis();
        return fresh;
      } catch (StatusRuntimeException e) {
        last = e;
        log.debug("metadata from {}:{} failed: {}", address[0], address[1], e.getStatus());
      }
    }
    updateRequested = true;
    throw new TimeoutException(
        "could not fetch metadata from any of " + String.join(",", bootstrap) + " or the known brokers", last);
  }

  private List<String[]> candidates() {
    Set<String> seen = new LinkedHashSet<>();
    List<String[]> out = new ArrayList<>();
    List<Node> known = new ArrayList<>(cluster.nodes().values());
    Collections.shuffle(known);
    for (Node n : known) {
      if (seen.add(n.address())) {
        out.add(new String[] {n.host(), String.valueOf(n.port())});
      }
    }
    List<String> boot = new ArrayList<>(bootstrap);
    Collections.shuffle(boot);
    for (String b : boot) {
      if (seen.add(b)) {
        out.add(parse(b));
      }
    }
    return out;
  }

  /**
   * Blocks until the topic has partitions in the cache, refreshing as needed, or throws a {@link
   * TimeoutException} at the deadline (Kafka's "not present in metadata after" error).
   */
  public Cluster awaitTopic(String topic, long deadlineMs, long maxBlockMs) {
    Cluster known = cluster;
    if (!known.partitionsFor(topic).isEmpty() && topics.contains(topic)) {
      return known; // every send passes here
    }
    addTopics(List.of(topic));
    while (true) {
      Cluster c = cluster;
      if (!c.partitionsFor(topic).isEmpty()) {
        return c;
      }
      long now = System.currentTimeMillis();
      if (now >= deadlineMs) {
        throw new TimeoutException("Topic " + topic + " not present in metadata after " + maxBlockMs + " ms.");
      }
      try {
        synchronized (this) {
          if (cluster.partitionsFor(topic).isEmpty()) {
            refresh(Collections.unmodifiableSet(topics), Math.min(deadlineMs, now + requestTimeoutMs));
          }
        }
      } catch (WeirException e) {
        log.debug("metadata refresh for {} failed: {}", topic, e.getMessage());
      }
      if (cluster.partitionsFor(topic).isEmpty()) {
        long wait = Math.min(retryBackoffMs, deadlineMs - System.currentTimeMillis());
        if (wait > 0) {
          try {
            TimeUnit.MILLISECONDS.sleep(wait);
          } catch (InterruptedException e) {
            throw new InterruptException(e);
          }
        }
      }
    }
  }
}
