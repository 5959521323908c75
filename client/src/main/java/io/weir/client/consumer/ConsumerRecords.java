package io.weir.client.consumer;

import io.weir.common.TopicPartition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/** The records of one poll, grouped by partition, in offset order within each (Kafka's {@code ConsumerRecords}). */
public final class ConsumerRecords<K, V> implements Iterable<ConsumerRecord<K, V>> {
  private static final ConsumerRecords<Object, Object> EMPTY = new ConsumerRecords<>(Map.of());

  private final Map<TopicPartition, List<ConsumerRecord<K, V>>> records;

  public ConsumerRecords(Map<TopicPartition, List<ConsumerRecord<K, V>>> records) {
    this.records = Collections.unmodifiableMap(new LinkedHashMap<>(records));
  }

  @SuppressWarnings("unchecked")
  public static <K, V> ConsumerRecords<K, V> empty() {
    return (ConsumerRecords<K, V>) EMPTY;
  }

  public List<ConsumerRecord<K, V>> records(TopicPartition partition) {
    List<ConsumerRecord<K, V>> list = records.get(partition);
    return list == null ? List.of() : Collections.unmodifiableList(list);
  }

  public Iterable<ConsumerRecord<K, V>> records(String topic) {
    List<ConsumerRecord<K, V>> out = new ArrayList<>();
    records.forEach((tp, list) -> {
      if (tp.topic().equals(topic)) {
        out.addAll(list);
      }
    });
    return out;
  }

  public Set<TopicPartition> partitions() {
    return records.keySet();
  }

  /**
   * Walks the lists in place. A stream's {@code flatMap(...).iterator()} would first copy each
   * partition's list into a buffer of its own: work per record on the consumer's hottest loop.
   */
  @Override
  public Iterator<ConsumerRecord<K, V>> iterator() {
    Iterator<List<ConsumerRecord<K, V>>> lists = records.values().iterator();
    return new Iterator<>() {
      private Iterator<ConsumerRecord<K, V>> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext()) {
          if (!lists.hasNext()) {
            return false;
          }
          current = lists.next().iterator();
        }
        return true;
      }

      @Override
      public ConsumerRecord<K, V> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  public int count() {
    int n = 0;
    for (List<ConsumerRecord<K, V>> list : records.values()) {
      n += list.size();
    }
    return n;
  }

  public boolean isEmpty() {
    return count() == 0;
  }
}
