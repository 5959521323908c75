package io.weir.broker.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import io.weir.metadata.controller.server.QuorumController;
import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.metadata.raft.Role;
import io.weir.metadata.raft.runtime.QuorumInfo;
import io.weir.metadata.raft.runtime.RaftRuntime;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A controller's state at scrape time (Kafka's KafkaController and Raft metrics): whether it is
 * the active controller, its Raft term and high watermark, on the active controller each voter's
 * lag, and the fenced brokers and offline partitions of its committed metadata image.
 */
public final class ControllerCollector extends Collector {
  /** A scrape waits this long for the Raft driver to describe the quorum, then leaves voter lag out. */
  private static final long DESCRIBE_TIMEOUT_MS = 1_000;

  private final QuorumController controller;

  public ControllerCollector(QuorumController controller) {
    this.controller = controller;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    RaftRuntime raft = controller.raft();
    boolean active = raft.role() == Role.LEADER;
    GaugeMetricFamily voterLag = new GaugeMetricFamily("weir_raft_voter_lag",
        "Metadata log entries each voter is behind the leader's log end; reported by the active controller only.",
        List.of("voter"));
    if (active) {
      try {
        QuorumInfo quorum = controller.describeQuorum().get(DESCRIBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        for (QuorumInfo.ReplicaState v : quorum.voters()) {
          voterLag.addMetric(List.of(String.valueOf(v.replicaId())), v.lag());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // Leadership moved or the driver is busy: this scrape has no lag rows.
      }
    }
    MetadataImage image = controller.committedImage();
    int fenced = 0;
    for (BrokerRegistration b : image.cluster().brokers().values()) {
      if (b.fenced()) {
        fenced++;
      }
    }
    int offline = 0;
    for (TopicImage t : image.topics().byName().values()) {
      for (PartitionRegistration p : t.partitions().values()) {
        if (p.isOffline()) {
          offline++;
        }
      }
    }
    return List.of(
        new GaugeMetricFamily("weir_controller_active", "1 on the active controller (the Raft leader), else 0.",
            active ? 1 : 0),
        new GaugeMetricFamily("weir_raft_term", "The current Raft term (Kafka's leader epoch) as this voter knows it.",
            raft.term()),
        new GaugeMetricFamily("weir_raft_high_watermark",
            "The metadata log's commit index as this voter knows it.", raft.commitIndex()),
        voterLag,
        new GaugeMetricFamily("weir_controller_fenced_brokers",
            "Registered brokers that are fenced in this controller's committed metadata.", fenced),
        new GaugeMetricFamily("weir_controller_offline_partitions",
            "Partitions without a leader in this controller's committed metadata.", offline));
  }
}
