package io.weir.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weir.common.TopicPartition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class ConsumerRecordsTest {
  private static ConsumerRecord<String, String> rec(int partition, long offset) {
    return new ConsumerRecord<>("t", partition, offset, null, "v" + offset);
  }

  @Test
  void iteratesPartitionsInOrderSkippingEmptyOnes() {
    Map<TopicPartition, List<ConsumerRecord<String, String>>> byPartition = new LinkedHashMap<>();
    byPartition.put(new TopicPartition("t", 2), List.of());
    byPartition.put(new TopicPartition("t", 0), List.of(rec(0, 5), rec(0, 6)));
    byPartition.put(new TopicPartition("t", 3), List.of());
    byPartition.put(new TopicPartition("t", 1), List.of(rec(1, 9)));
    ConsumerRecords<String, String> records = new ConsumerRecords<>(byPartition);

    List<String> seen = new ArrayList<>();
    for (ConsumerRecord<String, String> r : records) {
      seen.add(r.partition() + "@" + r.offset());
    }
    assertEquals(List.of("0@5", "0@6", "1@9"), seen);
    assertEquals(3, records.count());
  }

  @Test
  void anExhaustedIteratorSaysSo() {
    Iterator<ConsumerRecord<String, String>> empty = ConsumerRecords.<String, String>empty().iterator();
    assertFalse(empty.hasNext());
    assertThrows(NoSuchElementException.class, empty::next);
    Iterator<ConsumerRecord<String, String>> one =
        new ConsumerRecords<>(Map.of(new TopicPartition("t", 0), List.of(rec(0, 1)))).iterator();
    one.next();
    assertThrows(NoSuchElementException.class, one::next);
  }
}
