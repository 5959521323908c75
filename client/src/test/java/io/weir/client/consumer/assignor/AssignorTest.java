package io.weir.client.consumer.assignor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.consumer.assignor.ConsumerPartitionAssignor.Subscription;
import io.weir.common.TopicPartition;
import io.weir.common.config.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AssignorTest {
  private static TopicPartition tp(String topic, int p) {
    return new TopicPartition(topic, p);
  }

  private static Subscription sub(String... topics) {
    return new Subscription(List.of(topics), List.of(), -1);
  }

  private static Subscription owning(int generation, List<TopicPartition> owned, String... topics) {
    return new Subscription(List.of(topics), owned, generation);
  }

  /** Every partition assigned exactly once, each to a member subscribed to its topic. */
  private static void assertValid(Map<String, Integer> topics, Map<String, Subscription> subs, Map<String, List<TopicPartition>> result) {
    assertEquals(subs.keySet(), result.keySet());
    Set<TopicPartition> seen = new HashSet<>();
    result.forEach((m, parts) -> parts.forEach(p -> {
      assertTrue(seen.add(p), p + " assigned twice");
      assertTrue(subs.get(m).topics().contains(p.topic()), m + " got " + p + " without subscribing");
    }));
    int total = 0;
    for (Map.Entry<String, Integer> e : topics.entrySet()) {
      if (subs.values().stream().anyMatch(s -> s.topics().contains(e.getKey()))) {
        total += e.getValue();
      }
    }
    assertEquals(total, seen.size());
  }

  private static void assertBalanced(Map<String, List<TopicPartition>> result) {
    int min = result.values().stream().mapToInt(List::size).min().orElse(0);
    int max = result.values().stream().mapToInt(List::size).max().orElse(0);
    assertTrue(max - min <= 1, "unbalanced: " + result);
  }

  @Test
  void rangeGivesConsecutiveRangesPerTopicExtrasFirst() {
    Map<String, Integer> topics = Map.of("t1", 3, "t2", 3);
    Map<String, Subscription> subs = Map.of("c0", sub("t1", "t2"), "c1", sub("t1", "t2"));
    Map<String, List<TopicPartition>> r = new RangeAssignor().assign(topics, subs);
    assertValid(topics, subs, r);
    // Kafka's range: per topic, c0 takes the extra partition of each: 4 vs 2.
    assertEquals(List.of(tp("t1", 0), tp("t1", 1), tp("t2", 0), tp("t2", 1)), r.get("c0"));
    assertEquals(List.of(tp("t1", 2), tp("t2", 2)), r.get("c1"));
  }

  @Test
  void rangeLeavesMembersBeyondThePartitionCountIdle() {
    Map<String, Integer> topics = Map.of("t", 2);
    Map<String, Subscription> subs = Map.of("a", sub("t"), "b", sub("t"), "c", sub("t"));
    Map<String, List<TopicPartition>> r = new RangeAssignor().assign(topics, subs);
    assertValid(topics, subs, r);
    assertEquals(List.of(), r.get("c"));
  }

  @Test
  void roundRobinDealsAcrossTopicsAndSkipsUnsubscribedMembers() {
    Map<String, Integer> topics = Map.of("t1", 3, "t2", 3);
    Map<String, Subscription> subs = Map.of("c0", sub("t1", "t2"), "c1", sub("t1", "t2"));
    Map<String, List<TopicPartition>> r = new RoundRobinAssignor().assign(topics, subs);
    assertEquals(List.of(tp("t1", 0), tp("t1", 2), tp("t2", 1)), r.get("c0"));
    assertEquals(List.of(tp("t1", 1), tp("t2", 0), tp("t2", 2)), r.get("c1"));

    Map<String, Subscription> mixed = Map.of("a", sub("t1"), "b", sub("t1", "t2"));
    Map<String, List<TopicPartition>> m = new RoundRobinAssignor().assign(topics, mixed);
    assertValid(topics, mixed, m);
    assertTrue(m.get("a").stream().allMatch(p -> p.topic().equals("t1")));
  }

  @Test
  void stickyIsBalancedAndMovesOnlyWhatBalanceNeeds() {
    Map<String, Integer> topics = Map.of("t", 6);
    Map<String, Subscription> first = Map.of("a", sub("t"), "b", sub("t"), "c", sub("t"));
    Map<String, List<TopicPartition>> r1 = new StickyAssignor().assign(topics, first);
    assertValid(topics, first, r1);
    assertBalanced(r1);

    // d joins: 2,2,2 becomes 2,2,1,1, so exactly one partition moves; the rest stay put.
    Map<String, Subscription> second = new LinkedHashMap<>();
    r1.forEach((m, parts) -> second.put(m, owning(1, parts, "t")));
    second.put("d", sub("t"));
    Map<String, List<TopicPartition>> r2 = new StickyAssignor().assign(topics, second);
    assertValid(topics, second, r2);
    assertBalanced(r2);
    int moved = 0;
    for (String m : r1.keySet()) {
      assertTrue(r1.get(m).containsAll(r2.get(m)), m + " got new partitions although it had to shrink or stay");
      moved += r1.get(m).size() - r2.get(m).size();
    }
    assertEquals(1, moved);
    assertEquals(1, r2.get("d").size());

    // b leaves: its partitions spread, nobody else loses any.
    Map<String, Subscription> third = new LinkedHashMap<>();
    r2.forEach((m, parts) -> {
      if (!m.equals("b")) {
        third.put(m, owning(2, parts, "t"));
      }
    });
    Map<String, List<TopicPartition>> r3 = new StickyAssignor().assign(topics, third);
    assertValid(topics, third, r3);
    assertBalanced(r3);
    third.forEach((m, s) -> assertTrue(r3.get(m).containsAll(s.ownedPartitions())));
  }

  @Test
  void stickyResolvesDoubleClaimsByGeneration() {
    Map<String, Integer> topics = Map.of("t", 2);
    Map<String, Subscription> subs = Map.of(
        "zombie", owning(1, List.of(tp("t", 0), tp("t", 1)), "t"),
        "current", owning(2, List.of(tp("t", 0)), "t"));
    Map<String, List<TopicPartition>> r = new StickyAssignor().assign(topics, subs);
    assertValid(topics, subs, r);
    assertEquals(List.of(tp("t", 0)), r.get("current"));
    assertEquals(List.of(tp("t", 1)), r.get("zombie"));
  }

  @Test
  void stickyStaysValidAndBalancedOverRandomChurn() {
    Random random = new Random(42);
    Map<String, Integer> topics = Map.of("a", 7, "b", 5);
    Map<String, List<TopicPartition>> current = new HashMap<>();
    int generation = 0;
    for (int round = 0; round < 50; round++) {
      Map<String, Subscription> subs = new HashMap<>();
      for (int m = 0; m < 8; m++) {
        if (random.nextInt(3) > 0) {
          String id = "m" + m;
          subs.put(id, owning(generation, current.getOrDefault(id, List.of()), "a", "b"));
        }
      }
      if (subs.isEmpty()) {
        continue;
      }
      Map<String, List<TopicPartition>> next = new StickyAssignor().assign(topics, subs);
      assertValid(topics, subs, next);
      assertBalanced(next);
      current = next;
      generation++;
    }
  }

  @Test
  void cooperativeStickyWithholdsPartitionsUntilTheirOwnerRevokes() {
    Map<String, Integer> topics = Map.of("t", 6);
    List<TopicPartition> a = List.of(tp("t", 0), tp("t", 1));
    List<TopicPartition> b = List.of(tp("t", 2), tp("t", 3));
    List<TopicPartition> c = List.of(tp("t", 4), tp("t", 5));
    Map<String, Subscription> joined = Map.of("a", owning(1, a, "t"), "b", owning(1, b, "t"), "c", owning(1, c, "t"),
        "d", sub("t"));
    Map<String, List<TopicPartition>> first = new CooperativeStickyAssignor().assign(topics, joined);
    // First round: owners keep what stays theirs; what must move is assigned to nobody yet.
    assertTrue(first.get("d").isEmpty());
    List<TopicPartition> revoked = new ArrayList<>();
    Map<String, List<TopicPartition>> owned = Map.of("a", a, "b", b, "c", c);
    owned.forEach((m, parts) -> {
      assertTrue(parts.containsAll(first.get(m)));
      parts.stream().filter(p -> !first.get(m).contains(p)).forEach(revoked::add);
    });
    assertEquals(1, revoked.size());

    // Follow-up round after the revocation: the withheld partitions go to the newcomer.
    Map<String, Subscription> rejoined = new HashMap<>();
    first.forEach((m, parts) -> rejoined.put(m, owning(2, parts, "t")));
    Map<String, List<TopicPartition>> second = new CooperativeStickyAssignor().assign(topics, rejoined);
    assertValid(topics, rejoined, second);
    assertBalanced(second);
    assertEquals(new HashSet<>(revoked), new HashSet<>(second.get("d")));
    first.forEach((m, parts) -> assertTrue(second.get(m).containsAll(parts)));
  }

  @Test
  void strategyNamesResolveInOrder() {
    List<ConsumerPartitionAssignor> list = ConsumerPartitionAssignor.forNames(
        List.of("range", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"));
    assertEquals(List.of("range", "cooperative-sticky"), list.stream().map(ConsumerPartitionAssignor::name).toList());
    assertTrue(list.get(1).supportedProtocols().contains(ConsumerPartitionAssignor.RebalanceProtocol.COOPERATIVE));
    assertThrows(ConfigException.class,
        () -> ConsumerPartitionAssignor.forNames(List.of("nope")));
  }
}
