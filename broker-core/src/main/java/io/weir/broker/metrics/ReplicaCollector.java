package io.weir.broker.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import io.weir.broker.replica.LeaderAndIsr;
import io.weir.broker.replica.Partition;
import io.weir.broker.replica.ReplicaManager;
import java.util.List;

/**
 * The replica manager's state at scrape time (Kafka's ReplicaManager gauges): hosted and led
 * partitions, the led ones that are under-replicated, at or under {@code min.insync.replicas},
 * and every hosted log's size. Reads only volatile state, never a partition lock.
 */
public final class ReplicaCollector extends Collector {
  private final ReplicaManager replicaManager;

  public ReplicaCollector(ReplicaManager replicaManager) {
    this.replicaManager = replicaManager;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    GaugeMetricFamily logSize = new GaugeMetricFamily("weir_log_size_bytes",
        "Bytes of all segments of each partition replica hosted here.", List.of("topic", "partition"));
    int hosted = 0;
    int leaders = 0;
    int underReplicated = 0;
    int atMinIsr = 0;
    int underMinIsr = 0;
    for (Partition p : replicaManager.hostedPartitions()) {
      hosted++;
      logSize.addMetric(List.of(p.topicPartition().topic(), String.valueOf(p.topicPartition().partition())),
          p.log().size());
      LeaderAndIsr s = p.state();
      if (!s.isLeader()) {
        continue;
      }
      leaders++;
      int isr = s.isr().size();
      int minIsr = p.config().minInsyncReplicas();
      if (isr < s.replicas().size()) {
        underReplicated++;
      }
      if (isr == minIsr) {
        atMinIsr++;
      } else if (isr < minIsr) {
        underMinIsr++;
      }
    }
    return List.of(
        new GaugeMetricFamily("weir_partitions", "Partition replicas hosted by this broker.", hosted),
        new GaugeMetricFamily("weir_leader_partitions", "Partitions this broker leads.", leaders),
        new GaugeMetricFamily("weir_under_replicated_partitions",
            "Partitions led here whose ISR is smaller than their replica set.", underReplicated),
        new GaugeMetricFamily("weir_at_min_isr_partitions",
            "Partitions led here whose ISR size equals min.insync.replicas.", atMinIsr),
        new GaugeMetricFamily("weir_under_min_isr_partitions",
            "Partitions led here whose ISR is below min.insync.replicas (acks=all produce fails).", underMinIsr),
        logSize);
  }
}
