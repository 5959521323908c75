package io.weir.broker.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.weir.common.config.ConfigException;
import io.weir.storage.log.LogConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

class ServerConfigTest {

  private static Map<String, String> combined() {
    Map<String, String> p = new HashMap<>();
    p.put("node.id", "1");
    p.put("process.roles", "broker,controller");
    p.put("controller.quorum.voters", "1@localhost:9093");
    p.put("listeners", "PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093");
    p.put("log.dirs", "/var/lib/weir");
    return p;
  }

  private static Map<String, String> with(Map<String, String> base, String... kv) {
    Map<String, String> p = new HashMap<>(base);
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) {
        p.remove(kv[i]);
      } else {
        p.put(kv[i], kv[i + 1]);
      }
    }
    return p;
  }

  @Test
  void combinedNodeDefaultsFollowKafka() {
    ServerConfig c = ServerConfig.fromProperties(combined());
    assertEquals(1, c.nodeId());
    assertTrue(c.hasBrokerRole() && c.hasControllerRole());
    assertEquals(new ServerConfig.Listener("CONTROLLER", "localhost", 9093), c.controllerListener());
    assertEquals(new ServerConfig.Listener("PLAINTEXT", "localhost", 9092), c.brokerListener());
    assertEquals(1, c.advertisedListeners().size(), "the controller listener is not advertised");
    assertEquals(Path.of("/var/lib/weir/__cluster_metadata"), c.quorumConfig().metadataLogDir());
    assertEquals(1, c.brokerConfig().minInsyncReplicas());
    assertEquals(LogConfig.defaults(), c.brokerConfig().defaultLogConfig());
    assertEquals(9000, c.controllerConfig().brokerSessionTimeoutMs());
    assertEquals(9404, c.metricsPort());
    assertEquals("localhost", c.metricsHost(), "the first listener's host");
  }

  @Test
  void metricsBindWhereTheyAreToldOrEveryInterfaceForAnEmptyListenerHost() {
    assertEquals("0.0.0.0", ServerConfig.fromProperties(with(combined(),
        "listeners", "PLAINTEXT://:9092,CONTROLLER://localhost:9093")).metricsHost());
    ServerConfig c = ServerConfig.fromProperties(with(combined(), "metrics.host", "10.0.0.7", "metrics.port", "-1"));
    assertEquals("10.0.0.7", c.metricsHost());
    assertEquals(-1, c.metricsPort());
  }

  @Test
  void keysReachTheModuleConfigs() {
    ServerConfig c = ServerConfig.fromProperties(with(combined(),
        "min.insync.replicas", "2", "log.retention.hours", "1", "log.segment.bytes", "1048576",
        "log.cleanup.policy", "compact", "broker.rack", "r1", "num.partitions", "6",
        "default.replication.factor", "3", "broker.session.timeout.ms", "1500",
        "controller.quorum.election.timeout.ms", "500", "log.roll.ms", "60000", "replica.lag.time.max.ms", "5000"));
    assertEquals(2, c.brokerConfig().minInsyncReplicas());
    assertEquals(3_600_000L, c.brokerConfig().defaultLogConfig().retentionMs());
    assertEquals(1 << 20, c.brokerConfig().defaultLogConfig().segmentBytes());
    assertEquals(60_000L, c.brokerConfig().defaultLogConfig().segmentMs());
    assertEquals(LogConfig.CleanupPolicy.COMPACT, c.brokerConfig().defaultLogConfig().cleanupPolicy());
    assertEquals(Optional.of("r1"), c.brokerConfig().rack());
    assertEquals(5000, c.brokerConfig().replicaLagTimeMaxMs());
    assertEquals(6, c.controllerConfig().numPartitions());
    assertEquals(3, c.controllerConfig().defaultReplicationFactor());
    assertEquals(1500, c.controllerConfig().brokerSessionTimeoutMs());
    assertEquals(500, c.quorumConfig().electionTimeoutMs());
  }

  @Test
  void groupCoordinatorKeysReachTheGroupConfig() {
    ServerConfig c = ServerConfig.fromProperties(with(combined(),
        "offsets.topic.num.partitions", "8", "offsets.topic.replication.factor", "2",
        "offsets.retention.minutes", "60", "group.initial.rebalance.delay.ms", "0"));
    assertEquals(8, c.brokerConfig().groupConfig().offsetsTopicNumPartitions());
    assertEquals(2, c.brokerConfig().groupConfig().offsetsTopicReplicationFactor());
    assertEquals(3_600_000L, c.brokerConfig().groupConfig().offsetsRetentionMs());
    assertEquals(0, c.brokerConfig().groupConfig().groupInitialRebalanceDelayMs());
    assertEquals(50, ServerConfig.fromProperties(combined()).brokerConfig().groupConfig().offsetsTopicNumPartitions());
  }

  @Test
  void retentionMsWinsOverMinutesAndHours() {
    ServerConfig c = ServerConfig.fromProperties(with(combined(),
        "log.retention.ms", "1000", "log.retention.minutes", "5", "log.retention.hours", "2"));
    assertEquals(1000, c.brokerConfig().defaultLogConfig().retentionMs());
    c = ServerConfig.fromProperties(with(combined(), "log.retention.minutes", "5", "log.retention.hours", "2"));
    assertEquals(300_000, c.brokerConfig().defaultLogConfig().retentionMs());
  }

  @Test
  void brokerOnlyNodeObservesTheQuorum() {
    ServerConfig c = ServerConfig.fromProperties(with(combined(), "node.id", "4", "process.roles", "broker",
        "listeners", "PLAINTEXT://:9092", "advertised.listeners", "PLAINTEXT://broker4.example:9092"));
    assertFalse(c.hasControllerRole());
    assertFalse(c.quorumConfig().isVoter());
    assertEquals("broker4.example", c.advertisedListeners().get(0).host());
    assertEquals("", c.brokerListener().host(), "an empty host binds every interface");
  }

  static Stream<Arguments> invalid() {
    Map<String, String> broker = with(combined(), "node.id", "4", "process.roles", "broker",
        "listeners", "PLAINTEXT://:9092");
    return Stream.of(
        Arguments.of(with(combined(), "node.id", null), "Missing required configuration \"node.id\""),
        Arguments.of(with(combined(), "node.id", "-1"), "Invalid value -1 for configuration node.id"),
        Arguments.of(with(combined(), "node.id", "one"), "Invalid value one for configuration node.id"),
        Arguments.of(with(combined(), "offsets.topic.num.partitions", "0"),
            "Invalid value 0 for configuration offsets.topic.num.partitions: Value must be at least 1"),
        Arguments.of(with(combined(), "process.roles", "broker,gateway"),
            "configuration process.roles: Invalid value gateway; valid values are broker, controller"),
        Arguments.of(with(combined(), "process.roles", ""), "for configuration process.roles: Empty list"),
        Arguments.of(with(combined(), "process.roles", "broker,broker"), "Duplicate role names"),
        Arguments.of(with(combined(), "controller.quorum.voters", null),
            "Missing required configuration \"controller.quorum.voters\""),
        Arguments.of(with(combined(), "controller.quorum.voters", "1@localhost"),
            "configuration controller.quorum.voters: '1@localhost' is not of the form id@host:port"),
        Arguments.of(with(combined(), "node.id", "2"),
            "the node id 2 must be included in the set of voters controller.quorum.voters=[1]"),
        Arguments.of(with(broker, "node.id", "1"),
            "the node id 1 must not be included in the set of voters"),
        Arguments.of(with(combined(), "listeners", "PLAINTEXT://localhost:9092"),
            "The listeners config must contain a listener named CONTROLLER"),
        Arguments.of(with(broker, "listeners", "PLAINTEXT://:9092,CONTROLLER://:9093"),
            "controller.listener.names must not contain a value appearing in the 'listeners' configuration"),
        Arguments.of(with(combined(), "listeners", "CONTROLLER://localhost:9093"),
            "inter.broker.listener.name: must be a listener name defined in listeners"),
        Arguments.of(with(combined(), "inter.broker.listener.name", "CONTROLLER"),
            "for configuration inter.broker.listener.name: must not be a controller listener"),
        Arguments.of(with(combined(), "controller.listener.names", ""),
            "controller.listener.names: must contain at least one value"),
        Arguments.of(with(combined(), "listeners", "PLAINTEXT//localhost:9092,CONTROLLER://localhost:9093"),
            "'PLAINTEXT//localhost:9092' is not of the form NAME://host:port"),
        Arguments.of(with(combined(), "listeners", "PLAINTEXT://localhost:x,CONTROLLER://localhost:9093"),
            "'PLAINTEXT://localhost:x' has no numeric port"),
        Arguments.of(with(combined(), "listeners", "PLAINTEXT://localhost:70000,CONTROLLER://localhost:9093"),
            "has a port outside [0, 65535]"),
        Arguments.of(with(combined(), "listeners", "PLAINTEXT://a:9092,PLAINTEXT://b:9094,CONTROLLER://a:9093"),
            "Each listener must have a different name"),
        Arguments.of(with(combined(), "listeners", "PLAINTEXT://a:9092,CONTROLLER://a:9092"),
            "Each listener must have a different port"),
        Arguments.of(with(combined(), "advertised.listeners", "OTHER://a:9092"),
            "advertised.listeners: must contain the inter-broker listener PLAINTEXT"),
        Arguments.of(with(combined(), "advertised.listeners", "PLAINTEXT://a:0"),
            "a broker must advertise a fixed port"),
        Arguments.of(with(combined(), "advertised.listeners", "PLAINTEXT://a:9092,CONTROLLER://a:9093"),
            "must not contain the controller listener CONTROLLER"),
        Arguments.of(with(combined(), "log.dirs", "/a,/b"), "supports one log directory per node"),
        Arguments.of(with(combined(), "log.dirs", ""), "log.dirs: at least one log directory is required"),
        Arguments.of(with(combined(), "min.insync.replicas", "0"),
            "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"),
        Arguments.of(with(combined(), "default.replication.factor", "0"),
            "configuration default.replication.factor: Value must be at least 1"),
        Arguments.of(with(combined(), "num.partitions", "0"), "configuration num.partitions"),
        Arguments.of(with(combined(), "log.segment.bytes", "10"), "configuration log.segment.bytes"),
        Arguments.of(with(combined(), "log.retention.ms", "-2"), "configuration log.retention.ms"),
        Arguments.of(with(combined(), "log.cleanup.policy", "shred"), "configuration log.cleanup.policy"),
        Arguments.of(with(combined(), "auto.create.topics.enable", "yes"),
            "Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false"),
        Arguments.of(with(combined(), "broker.session.timeout.ms", "0"), "configuration broker.session.timeout.ms"),
        Arguments.of(with(combined(), "controller.quorum.heartbeat.interval.ms", "5000"),
            "configuration controller.quorum.heartbeat.interval.ms: must be below"),
        Arguments.of(with(combined(), "message.max.bytes", "big"), "configuration message.max.bytes"),
        Arguments.of(with(combined(), "metrics.port", "-2"), "Invalid value -2 for configuration metrics.port"),
        Arguments.of(with(combined(), "metrics.port", "65536"), "configuration metrics.port"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidConfigurationsAreRefusedNamingTheKey(Map<String, String> props, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.fromProperties(props));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void unknownKeysAreLoggedAsAWarningAndIgnored() {
    Logger logger = (Logger) LoggerFactory.getLogger(ServerConfig.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      ServerConfig config = ServerConfig.fromProperties(with(combined(), "log.retention.hourz", "1",
          "zookeeper.connect", "zk:2181"));
      assertEquals(1, config.nodeId());
      assertEquals(1, events.list.size(), events.list.toString());
      ILoggingEvent warning = events.list.get(0);
      assertEquals(Level.WARN, warning.getLevel());
      assertTrue(warning.getFormattedMessage().endsWith("[log.retention.hourz, zookeeper.connect]"),
          warning.getFormattedMessage());
    } finally {
      logger.detachAppender(events);
    }
  }

  @Test
  void everyKeyIsDocumented() {
    ServerConfig.DEFINITION.keys().values().forEach(k ->
        assertFalse(k.documentation() == null || k.documentation().isBlank(), k.name()));
    assertTrue(ServerConfig.DEFINITION.toMarkdownTable().contains("| `process.roles` | list |"));
  }
}
