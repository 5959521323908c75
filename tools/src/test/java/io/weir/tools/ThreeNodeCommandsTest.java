package io.weir.tools;

import static io.weir.tools.ClientCommandsTest.runWithInput;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands against three combined nodes: replicated topics, three brokers, three voters. */
class ThreeNodeCommandsTest {
  @TempDir Path dir;

  @Test
  void replicatedTopicAcrossThreeBrokers() {
    try (TestCluster cluster = new TestCluster(dir, 3)) {
      String b = cluster.bootstrap();
      ClientCommandsTest.Run created = runWithInput("", "topic", "create", "replicated", "-p", "2", "-r", "3", "-b", b);
      assertEquals(0, created.code(), created.err());

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        List<String> lines = runWithInput("", "topic", "describe", "replicated", "-b", b).out().lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\tPartitionCount: 2\tReplicationFactor: 3\t"), lines.get(0));
        for (String partition : lines.subList(1, 3)) {
          String[] fields = partition.split("\t");
          assertEquals(Set.of("1", "2", "3"), Set.of(fields[4].substring("Replicas: ".length()).split(",")), partition);
          assertEquals(Set.of("1", "2", "3"), Set.of(fields[5].substring("Isr: ".length()).split(",")), partition);
        }
      });

      List<String> info = runWithInput("", "cluster", "info", "-b", b).out().lines().toList();
      assertEquals(Set.of("1", "2", "3"), info.stream().filter(l -> l.startsWith("Broker: "))
          .map(l -> l.split("\t")[0].substring("Broker: ".length())).collect(Collectors.toSet()));
      assertEquals("CurrentVoters:\t[1, 2, 3]",
          runWithInput("", "quorum", "describe", "-b", b).out().lines().toList().get(3));

      ClientCommandsTest.Run elected = runWithInput("", "leader", "elect", "--preferred", "--topic", "replicated", "-b", b);
      assertEquals(0, elected.code(), elected.err());

      ClientCommandsTest.Run tooWide = runWithInput("", "topic", "create", "wide", "-r", "4", "-b", b);
      assertEquals("weir topic create: INVALID_REPLICATION_FACTOR: Replication factor: 4 larger than available brokers: 3.",
          tooWide.err().strip());
    }
  }
}
