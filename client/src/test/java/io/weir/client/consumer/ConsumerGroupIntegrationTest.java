package io.weir.client.consumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.broker.group.GroupConfig;
import io.weir.client.admin.Admin;
import io.weir.client.admin.ConsumerGroupDescription;
import io.weir.client.common.errors.ApiException;
import io.weir.client.producer.ProducerRecord;
import io.weir.client.producer.WeirProducer;
import io.weir.client.test.Clients;
import io.weir.client.test.WeirCluster;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consumer groups against three real brokers: rebalances, session expiry, commits and resets. */
class ConsumerGroupIntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  static WeirCluster cluster;

  @BeforeAll
  static void start() {
    cluster = new WeirCluster(dir, 3, id -> GroupTestConfig.broker(id, GroupConfig.DEFAULTS.offsetsTopicNumPartitions()));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static void produce(String topic, int count) throws Exception {
    try (WeirProducer<String, String> producer = Clients.producer(cluster, Map.of("linger.ms", "5"))) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
      }
      producer.flush();
    }
  }

  private static Set<TopicPartition> partitions(String topic, int n) {
    return IntStream.range(0, n).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
  }

  private static void awaitSizes(List<GroupMember> members, Set<TopicPartition> all, List<Integer> sizes) {
    await().atMost(WAIT).untilAsserted(() -> {
      List<Integer> actual = members.stream().map(m -> m.owned().size()).sorted().toList();
      assertEquals(sizes, actual);
      Set<TopicPartition> union = new HashSet<>();
      members.forEach(m -> union.addAll(m.owned()));
      assertEquals(all, union);
      members.forEach(m -> assertNull(m.failure()));
    });
  }

  @Test
  void membersSharePartitionsRebalanceOnJoinAndAfterASessionExpires() throws Exception {
    String topic = "rebalance";
    cluster.createTopic(topic, 6, 2);
    Set<TopicPartition> all = partitions(topic, 6);
    List<GroupMember> members = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        members.add(new GroupMember(cluster, "c" + i, topic, Map.of("group.id", "g-rebalance")));
      }
      awaitSizes(members, all, List.of(2, 2, 2));

      // __consumer_offsets came into being on first use, with Kafka's layout.
      assertEquals(50, cluster.partitionCount(GroupConfig.OFFSETS_TOPIC));
      assertEquals("compact", cluster.topicConfigs(GroupConfig.OFFSETS_TOPIC).get("cleanup.policy"));
      assertEquals(3, cluster.partition(GroupConfig.OFFSETS_TOPIC, 0).replicas().size());

      members.add(new GroupMember(cluster, "c3", topic, Map.of("group.id", "g-rebalance")));
      awaitSizes(members, all, List.of(1, 1, 2, 2));

      GroupMember victim = members.stream().filter(m -> !m.owned().isEmpty()).findFirst().orElseThrow();
      Set<TopicPartition> orphaned = victim.owned();
      victim.kill();
      members.remove(victim);
      long killedAt = System.currentTimeMillis();
      awaitSizes(members, all, List.of(2, 2, 2));
      // Nobody told the group: only the session timeout could move the partitions.
      assertTrue(System.currentTimeMillis() - killedAt >= GroupTestConfig.SESSION_TIMEOUT_MS - 200,
          "partitions moved before the session timeout");
      Set<TopicPartition> adopted = new HashSet<>();
      members.forEach(m -> adopted.addAll(m.owned()));
      assertTrue(adopted.containsAll(orphaned));
    } finally {
      for (GroupMember m : members) {
        m.close();
      }
    }
  }

  @Test
  void cooperativeStickyMembersKeepUnaffectedPartitionsThroughout() throws Exception {
    String topic = "cooperative";
    cluster.createTopic(topic, 6, 2);
    Set<TopicPartition> all = partitions(topic, 6);
    Map<String, Object> cooperative = Map.of("group.id", "g-coop", "partition.assignment.strategy", "cooperative-sticky");
    List<GroupMember> members = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        members.add(new GroupMember(cluster, "c" + i, topic, cooperative));
      }
      awaitSizes(members, all, List.of(2, 2, 2));
      Map<String, Set<TopicPartition>> before = members.stream().collect(Collectors.toMap(m -> m.name, GroupMember::owned));
      members.forEach(m -> m.revoked.clear());

      members.add(new GroupMember(cluster, "c3", topic, cooperative));
      awaitSizes(members, all, List.of(1, 1, 2, 2));

      int untouched = 0;
      for (GroupMember m : members.subList(0, 3)) {
        Set<TopicPartition> kept = new HashSet<>(before.get(m.name));
        kept.retainAll(m.owned());
        // Only partitions that moved away were ever revoked; what stayed was never given up.
        assertEquals(new HashSet<>(m.revoked), difference(before.get(m.name), m.owned()), m.name);
        assertTrue(m.lost.isEmpty());
        assertTrue(kept.size() >= 1, m.name + " kept nothing");
        if (m.revoked.isEmpty()) {
          untouched++;
        }
      }
      assertEquals(2, untouched, "exactly one member gives up one partition for the newcomer");
    } finally {
      for (GroupMember m : members) {
        m.close();
      }
    }
  }

  private static Set<TopicPartition> difference(Set<TopicPartition> a, Set<TopicPartition> b) {
    Set<TopicPartition> out = new HashSet<>(a);
    out.removeAll(b);
    return out;
  }

  @Test
  void consumersBeyondThePartitionCountStayIdle() throws Exception {
    String topic = "idle";
    cluster.createTopic(topic, 6, 1);
    Set<TopicPartition> all = partitions(topic, 6);
    List<GroupMember> members = new ArrayList<>();
    try {
      for (int i = 0; i < 7; i++) {
        members.add(new GroupMember(cluster, "c" + i, topic, Map.of("group.id", "g-idle")));
      }
      awaitSizes(members, all, List.of(0, 1, 1, 1, 1, 1, 1));
    } finally {
      for (GroupMember m : members) {
        m.close();
      }
    }
  }

  @Test
  void consumptionResumesAtTheCommittedOffsetAfterACrash() throws Exception {
    String topic = "resume";
    cluster.createTopic(topic, 3, 2);
    produce(topic, 300);
    Map<String, Object> manual = Map.of("group.id", "g-resume", "enable.auto.commit", "false");
    Map<TopicPartition, Long> committed;
    try (WeirConsumer<String, String> first = Clients.consumer(cluster, merge(GroupTestConfig.consumerProps(), manual))) {
      first.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> seen = new ArrayList<>();
      await().atMost(WAIT).until(() -> {
        first.poll(Duration.ofMillis(100)).forEach(seen::add);
        return seen.size() >= 100;
      });
      // Process (here: count) a prefix, commit exactly what was processed, then crash.
      committed = new HashMap<>();
      for (ConsumerRecord<String, String> r : seen.subList(0, 100)) {
        committed.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
      }
      Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
      committed.forEach((tp, o) -> toCommit.put(tp, new OffsetAndMetadata(o)));
      first.commitSync(toCommit);
      assertEquals(toCommit, first.committed(committed.keySet()));
      first.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
    }

    try (GroupMember restarted = new GroupMember(cluster, "restarted", topic, manual)) {
      await().atMost(WAIT).until(() -> restarted.consumed.size() >= 300 - 100);
      for (TopicPartition tp : partitions(topic, 3)) {
        List<Long> offsets = restarted.offsets(tp);
        long from = committed.getOrDefault(tp, 0L);
        // No gap and no repeat: exactly the records after the committed offset, in order.
        assertEquals(range(from, endOffset(tp)), offsets, tp.toString());
      }
    }

    // A group without commits starts where auto.offset.reset says.
    try (WeirConsumer<String, String> fresh = Clients.consumer(cluster,
        merge(GroupTestConfig.consumerProps(), Map.of("group.id", "g-fresh", "auto.offset.reset", "latest")))) {
      fresh.subscribe(List.of(topic));
      await().atMost(WAIT).until(() -> {
        fresh.poll(Duration.ofMillis(100));
        return fresh.assignment().size() == 3;
      });
      for (TopicPartition tp : partitions(topic, 3)) {
        assertEquals(endOffset(tp), fresh.position(tp));
      }
      assertTrue(fresh.committed(partitions(topic, 3)).isEmpty());
    }
  }

  private static long endOffset(TopicPartition tp) {
    try (WeirConsumer<String, String> probe = Clients.consumer(cluster, Map.of())) {
      return probe.endOffsets(List.of(tp)).get(tp);
    }
  }

  /** The offsets [from, to) as a list. */
  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
    Map<String, Object> out = new HashMap<>(a);
    out.putAll(b);
    return out;
  }

  @Test
  void twoGroupsEachReadTheWholeTopic() throws Exception {
    String topic = "two-groups";
    cluster.createTopic(topic, 4, 2);
    produce(topic, 200);
    try (GroupMember a = new GroupMember(cluster, "a", topic, Map.of("group.id", "g-a"));
        GroupMember b = new GroupMember(cluster, "b", topic, Map.of("group.id", "g-b"))) {
      await().atMost(WAIT).until(() -> a.consumed.size() >= 200 && b.consumed.size() >= 200);
      assertEquals(200, a.consumed.stream().map(ConsumerRecord::value).distinct().count());
      assertEquals(200, b.consumed.stream().map(ConsumerRecord::value).distinct().count());
      assertEquals(200, a.consumed.size());
      assertEquals(200, b.consumed.size());
    }
  }

  @Test
  void adminListsDescribesAltersAndDeletesGroups() throws Exception {
    String topic = "admin-groups";
    cluster.createTopic(topic, 2, 2);
    produce(topic, 20);
    Set<TopicPartition> all = partitions(topic, 2);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      try (GroupMember member = new GroupMember(cluster, "admin-member", topic, Map.of("group.id", "g-admin"))) {
        awaitSizes(List.of(member), all, List.of(2));
        await().atMost(WAIT).until(() -> member.consumed.size() >= 20);
        assertTrue(admin.listConsumerGroups().get().stream()
            .anyMatch(g -> g.groupId().equals("g-admin") && g.state().equals("Stable") && g.protocolType().equals("consumer")));
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("g-admin")).get().get("g-admin");
        assertEquals("Stable", d.state());
        assertEquals("range", d.partitionAssignor());
        assertEquals(1, d.members().size());
        assertEquals(all, d.members().get(0).assignment());
        assertEquals("admin-member", d.members().get(0).clientId());
        // Offsets of a group with members belong to its members.
        ExecutionException busy = assertThrows(ExecutionException.class, () -> admin.alterConsumerGroupOffsets("g-admin",
            Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1))).get());
        assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, ((ApiException) busy.getCause()).code());
        ExecutionException nonEmpty = assertThrows(ExecutionException.class,
            () -> admin.deleteConsumerGroups(List.of("g-admin")).get());
        assertEquals(ErrorCode.NON_EMPTY_GROUP, ((ApiException) nonEmpty.getCause()).code());
      }
      // The member left with an auto-commit of everything it consumed.
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("g-admin").get();
      assertEquals(20, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum());
      assertEquals("Empty", admin.describeConsumerGroups(List.of("g-admin")).get().get("g-admin").state());

      admin.alterConsumerGroupOffsets("g-admin", Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(3))).get();
      assertEquals(3, admin.listConsumerGroupOffsets("g-admin").get().get(new TopicPartition(topic, 0)).offset());

      admin.deleteConsumerGroups(List.of("g-admin")).get();
      assertTrue(admin.listConsumerGroups().get().stream().noneMatch(g -> g.groupId().equals("g-admin")));
      assertTrue(admin.listConsumerGroupOffsets("g-admin").get().isEmpty());
    }
  }

  @Test
  void aRestartedStaticMemberGetsItsPartitionsBackWithoutARebalance() throws Exception {
    String topic = "static";
    cluster.createTopic(topic, 4, 2);
    Set<TopicPartition> all = partitions(topic, 4);
    Map<String, Object> stable = Map.of("group.id", "g-static", "group.instance.id", "other");
    List<GroupMember> members = new ArrayList<>();
    try {
      members.add(new GroupMember(cluster, "other", topic, stable));
      // Joining second, this member's subscription names no owned partitions, as after its restart.
      awaitSizes(members, all, List.of(4));
      GroupMember first = new GroupMember(cluster, "restarting", topic, Map.of("group.id", "g-static", "group.instance.id", "restarting"));
      members.add(first);
      awaitSizes(members, all, List.of(2, 2));
      Set<TopicPartition> before = first.owned();
      GroupMember other = members.get(0);
      other.revoked.clear();
      int generation;
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
        generation = admin.describeConsumerGroups(List.of("g-static")).get().get("g-static").generationId();
        first.stop(CloseOptions.GroupMembershipOperation.DEFAULT); // a static member does not leave
        members.remove(first);
        GroupMember again = new GroupMember(cluster, "restarting", topic, Map.of("group.id", "g-static", "group.instance.id", "restarting"));
        members.add(again);
        awaitSizes(members, all, List.of(2, 2));
        assertEquals(before, again.owned());
        assertEquals(generation, admin.describeConsumerGroups(List.of("g-static")).get().get("g-static").generationId());
      }
      assertTrue(other.revoked.isEmpty(), "the other member never gave anything up");
    } finally {
      for (GroupMember m : members) {
        m.close();
      }
    }
  }

  @Test
  void autoCommitRunsInsidePollAndAStalledConsumerIsReplaced() throws Exception {
    String topic = "auto-commit";
    cluster.createTopic(topic, 2, 2);
    produce(topic, 50);
    Map<String, Object> props = merge(GroupTestConfig.consumerProps(),
        Map.of("group.id", "g-auto", "auto.commit.interval.ms", "200", "max.poll.interval.ms", "1500"));
    try (WeirConsumer<String, String> consumer = Clients.consumer(cluster, props);
        Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      consumer.subscribe(List.of(topic));
      int[] seen = {0};
      await().atMost(WAIT).until(() -> {
        seen[0] += consumer.poll(Duration.ofMillis(50)).count();
        return seen[0] >= 50;
      });
      // No commit call: polling alone commits what the previous polls returned.
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(50));
        return admin.listConsumerGroupOffsets("g-auto").get().values().stream().mapToLong(OffsetAndMetadata::offset).sum() == 50;
      });
      // Stalled past max.poll.interval.ms: the member leaves, and its late commit is refused.
      await().atMost(WAIT).until(() -> admin.describeConsumerGroups(List.of("g-auto")).get().get("g-auto").state().equals("Empty"));
      assertThrows(CommitFailedException.class,
          () -> consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0))));
      assertEquals(50, admin.listConsumerGroupOffsets("g-auto").get().values().stream().mapToLong(OffsetAndMetadata::offset).sum());
    }
  }

  @Test
  void aPatternSubscriptionFollowsMatchingTopicsAsTheyAppear() throws Exception {
    cluster.createTopic("metrics-a", 2, 1);
    cluster.createTopic("logs-a", 2, 1);
    Map<String, Object> props = merge(GroupTestConfig.consumerProps(), Map.of("group.id", "g-pattern"));
    try (WeirConsumer<String, String> consumer = Clients.consumer(cluster, props)) {
      consumer.subscribe(Pattern.compile("metrics-.*"));
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(50));
        return consumer.assignment().equals(partitions("metrics-a", 2));
      });
      cluster.createTopic("metrics-b", 1, 1);
      Set<TopicPartition> both = new HashSet<>(partitions("metrics-a", 2));
      both.add(new TopicPartition("metrics-b", 0));
      await().atMost(WAIT).until(() -> {
        consumer.poll(Duration.ofMillis(50));
        return consumer.assignment().equals(both);
      });
      assertEquals(Set.of("metrics-a", "metrics-b"), consumer.subscription());
    }
  }
}
