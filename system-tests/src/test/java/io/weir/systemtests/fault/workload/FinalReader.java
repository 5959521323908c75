package io.weir.systemtests.fault.workload;

import io.weir.client.common.serialization.StringDeserializer;
import io.weir.client.consumer.ConsumerConfig;
import io.weir.client.consumer.ConsumerRecord;
import io.weir.client.consumer.WeirConsumer;
import io.weir.common.TopicPartition;
import io.weir.systemtests.fault.check.History.LogEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Reads every partition from its log start to its high watermark, without a group. */
public final class FinalReader {
  private FinalReader() {}

  public static Map<String, List<LogEntry>> readAll(String bootstrap, List<TopicPartition> partitions,
      Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "final-reader");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    Map<String, List<LogEntry>> log = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (WeirConsumer<String, String> consumer =
        new WeirConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      for (TopicPartition tp : partitions) {
        log.put(tp.topic() + "-" + tp.partition(), new ArrayList<>());
      }
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the final read did not reach the end offsets " + end + " within "
              + timeout + "; positions " + positions(consumer, partitions));
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          log.get(r.topic() + "-" + r.partition()).add(new LogEntry(r.offset(), r.value()));
        }
      }
    }
    return log;
  }

  private static Map<TopicPartition, Long> positions(WeirConsumer<String, String> c, List<TopicPartition> tps) {
    Map<TopicPartition, Long> m = new HashMap<>();
    tps.forEach(tp -> m.put(tp, c.position(tp)));
    return m;
  }
}
