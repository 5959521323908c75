package io.weir.client.producer;

import io.weir.client.common.PartitionInfo;
import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;

/** The producer API of Kafka's {@code Producer}, without transactions. */
public interface Producer<K, V> extends Closeable {
  Future<RecordMetadata> send(ProducerRecord<K, V> record);

  Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback);

  /** Makes every buffered record sendable at once and blocks until all sent so far complete. */
  void flush();

  List<PartitionInfo> partitionsFor(String topic);

  @Override
  void close();

  void close(Duration timeout);
}
