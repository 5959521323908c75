package io.weir.broker.node;

import static io.weir.common.config.ConfigDef.Importance.HIGH;
import static io.weir.common.config.ConfigDef.Importance.LOW;
import static io.weir.common.config.ConfigDef.Importance.MEDIUM;
import static io.weir.common.config.ConfigDef.NO_DEFAULT;
import static io.weir.common.config.ConfigDef.Type.BOOLEAN;
import static io.weir.common.config.ConfigDef.Type.INT;
import static io.weir.common.config.ConfigDef.Type.LIST;
import static io.weir.common.config.ConfigDef.Type.LONG;
import static io.weir.common.config.ConfigDef.Type.STRING;

import io.weir.broker.BrokerConfig;
import io.weir.broker.group.GroupConfig;
import io.weir.common.config.Config;
import io.weir.common.config.ConfigDef;
import io.weir.common.config.ConfigDef.Range;
import io.weir.common.config.ConfigException;
import io.weir.metadata.broker.BrokerLifecycleManager;
import io.weir.metadata.controller.ControllerConfig;
import io.weir.metadata.controller.server.ControllerTimings;
import io.weir.metadata.raft.runtime.QuorumConfig;
import io.weir.storage.log.LogConfig;
import io.weir.storage.log.LogManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's {@code server.properties} (Kafka's {@code KafkaConfig}): every key the node reads is
 * declared once in {@link #DEFINITION}; the per-module records ({@link QuorumConfig}, {@link
 * ControllerConfig}, {@link BrokerConfig}) are built from the parsed values. Invalid values and
 * inconsistent combinations throw {@link ConfigException} naming the key; unknown keys are logged.
 * Immutable.
 */
public final class ServerConfig {
  private static final Logger log = LoggerFactory.getLogger(ServerConfig.class);

  public static final String NODE_ID = "node.id";
  public static final String PROCESS_ROLES = "process.roles";
  public static final String LISTENERS = "listeners";
  public static final String ADVERTISED_LISTENERS = "advertised.listeners";
  public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
  public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
  public static final String LOG_DIRS = "log.dirs";
  public static final String LOG_DIR = "log.dir";
  public static final String METADATA_LOG_DIR = "metadata.log.dir";
  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
  public static final String LOG_RETENTION_MS = "log.retention.ms";
  public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
  public static final String LOG_RETENTION_HOURS = "log.retention.hours";
  public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
  public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
  public static final String LOG_ROLL_MS = "log.roll.ms";
  public static final String LOG_ROLL_HOURS = "log.roll.hours";
  public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
  public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
  public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
  public static final String BROKER_RACK = "broker.rack";
  public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
  public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
  public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
  public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
  public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
  public static final String HW_CHECKPOINT_INTERVAL_MS = "replica.high.watermark.checkpoint.interval.ms";
  public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
  public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
  public static final String NUM_IO_THREADS = "num.io.threads";
  public static final String QUEUED_MAX_REQUESTS = "queued.max.requests";
  public static final String PRODUCER_SNAPSHOT_INTERVAL_MS = "producer.snapshot.interval.ms";
  public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
  public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
  public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
  public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
  public static final String OFFSETS_COMMIT_TIMEOUT_MS = "offsets.commit.timeout.ms";
  public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
  public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
  public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
  public static final String METRICS_PORT = "metrics.port";
  public static final String METRICS_HOST = "metrics.host";
  /** The port Prometheus' JMX exporter users already scrape. */
  public static final int DEFAULT_METRICS_PORT = 9404;

  /** The name of the directory, inside the metadata log dir, that holds the Raft log (RocksDB). */
  static final String METADATA_DIR_NAME = LogManager.METADATA_DIR_NAME;

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(NODE_ID, INT, NO_DEFAULT, Range.atLeast(0), HIGH,
          "The node's id, unique in the cluster; a controller's id is its entry in controller.quorum.voters.")
      .define(PROCESS_ROLES, LIST, NO_DEFAULT, ConfigDef.ValidList.in("broker", "controller"), HIGH,
          "The roles this node runs: broker, controller, or both (combined mode).")
      .define(QuorumConfig.VOTERS, STRING, NO_DEFAULT, HIGH,
          "The controller quorum: id@host:port,id@host:port,...")
      .define(LISTENERS, LIST, "PLAINTEXT://:9092,CONTROLLER://:9093", HIGH,
          "Listeners as NAME://host:port; an empty host binds every interface.")
      .define(ADVERTISED_LISTENERS, LIST, null, HIGH,
          "The listeners brokers register for clients and peers; by default the non-controller listeners.")
      .define(CONTROLLER_LISTENER_NAMES, LIST, "CONTROLLER", HIGH,
          "Listener names used by the controller; the first one is bound by a controller.")
      .define(INTER_BROKER_LISTENER_NAME, STRING, BrokerConfig.DEFAULT_LISTENER, MEDIUM,
          "The listener followers fetch from leaders on, and the one clients are told about.")
      .define(LOG_DIRS, LIST, null, HIGH, "The directory holding partition logs (overrides log.dir).")
      .define(LOG_DIR, STRING, "/tmp/weir-logs", HIGH, "The log directory when log.dirs is not set.")
      .define(METADATA_LOG_DIR, STRING, null, MEDIUM,
          "Where a controller keeps the metadata log; by default the first log directory.")
      .define(ControllerConfig.NUM_PARTITIONS, INT, 1, Range.atLeast(1), MEDIUM,
          "Partitions of a topic created without a count.")
      .define(ControllerConfig.DEFAULT_REPLICATION_FACTOR, INT, 1, Range.between(1, Short.MAX_VALUE), MEDIUM,
          "Replication factor of a topic created without one.")
      .define(MIN_INSYNC_REPLICAS, INT, 1, Range.atLeast(1), HIGH,
          "The fewest in-sync replicas an acks=all produce needs, for topics without an override.")
      .define(LOG_RETENTION_MS, LONG, null, Range.atLeast(-1), HIGH,
          "How long a log segment is kept; -1 for no limit. Overrides the minutes and hours keys.")
      .define(LOG_RETENTION_MINUTES, INT, null, Range.atLeast(-1), HIGH,
          "Retention in minutes when log.retention.ms is not set.")
      .define(LOG_RETENTION_HOURS, INT, 168, Range.atLeast(-1), HIGH,
          "Retention in hours when neither log.retention.ms nor log.retention.minutes is set.")
      .define(LOG_RETENTION_BYTES, LONG, -1L, Range.atLeast(-1), HIGH,
          "Most bytes a partition keeps before deleting old segments; -1 for no limit.")
      .define(LOG_SEGMENT_BYTES, INT, 1 << 30, Range.atLeast(LogConfig.MIN_SEGMENT_BYTES), HIGH,
          "Largest size of one log segment file.")
      .define(LOG_ROLL_MS, LONG, null, Range.atLeast(1), MEDIUM,
          "Age after which a segment rolls even if not full. Overrides log.roll.hours.")
      .define(LOG_ROLL_HOURS, INT, 168, Range.atLeast(1), MEDIUM, "Segment roll age in hours.")
      .define(LOG_CLEANUP_POLICY, LIST, "delete", ConfigDef.ValidList.in("delete", "compact"), MEDIUM,
          "delete, compact, or both, for topics without an override.")
      .define(LOG_RETENTION_CHECK_INTERVAL_MS, LONG, 300_000L, Range.atLeast(1), MEDIUM,
          "How often retention and flushes run.")
      .define(LOG_CLEANER_BACKOFF_MS, LONG, 15_000L, Range.atLeast(1), LOW,
          "Pause of the log cleaner when nothing needs compacting.")
      .define(BROKER_RACK, STRING, null, MEDIUM, "The broker's rack, for rack-aware placement and fetching.")
      .define(AUTO_CREATE_TOPICS_ENABLE, BOOLEAN, true, HIGH,
          "Whether a metadata request for an unknown topic creates it with the defaults.")
      .define(ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, BOOLEAN, false, HIGH,
          "Whether a replica outside the ISR may become leader as a last resort (may lose data).")
      .define(ControllerConfig.AUTO_LEADER_REBALANCE_ENABLE, BOOLEAN, true, HIGH,
          "Whether the controller moves leaderships back to preferred replicas.")
      .define(ControllerConfig.LEADER_IMBALANCE_PER_BROKER_PERCENTAGE, INT, 10, Range.between(0, 100), HIGH,
          "Share of a broker's partitions led elsewhere above which a rebalance runs.")
      .define(ControllerTimings.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, LONG, 300L, Range.atLeast(1), HIGH,
          "How often the controller checks for leader imbalance.")
      .define(ControllerConfig.BROKER_SESSION_TIMEOUT_MS, LONG, 9000L, Range.atLeast(1), MEDIUM,
          "A broker not heard from for this long is fenced.")
      .define(BrokerLifecycleManager.BROKER_HEARTBEAT_INTERVAL_MS, LONG,
          BrokerLifecycleManager.DEFAULT_HEARTBEAT_INTERVAL_MS, Range.atLeast(1), MEDIUM,
          "Interval between a broker's heartbeats to the controller.")
      .define(REPLICA_LAG_TIME_MAX_MS, LONG, 30_000L, Range.atLeast(1), HIGH,
          "A follower not caught up for this long leaves the ISR.")
      .define(REPLICA_FETCH_WAIT_MAX_MS, INT, 500, Range.atLeast(0), MEDIUM,
          "Longest a follower's fetch waits at the leader for data.")
      .define(REPLICA_FETCH_MAX_BYTES, INT, 1_048_576, Range.atLeast(0), MEDIUM,
          "Bytes a follower fetches per partition.")
      .define(REPLICA_FETCH_BACKOFF_MS, LONG, 1_000L, Range.atLeast(0), MEDIUM,
          "Pause of a follower after a failed fetch.")
      .define(HW_CHECKPOINT_INTERVAL_MS, LONG, 5_000L, Range.atLeast(1), MEDIUM,
          "How often high watermarks are written to disk.")
      .define(MESSAGE_MAX_BYTES, INT, 1_048_588, Range.atLeast(0), HIGH,
          "Largest record batch, for topics without max.message.bytes.")
      .define(FETCH_MAX_BYTES, INT, 55 * 1024 * 1024, Range.atLeast(1024), MEDIUM,
          "Largest fetch response the broker builds.")
      .define(NUM_IO_THREADS, INT, 8, Range.atLeast(1), HIGH, "Request handler threads.")
      .define(QUEUED_MAX_REQUESTS, INT, 500, Range.atLeast(1), MEDIUM,
          "Calls the client listener holds at once: each connection's HTTP/2 stream limit, and across "
              + "connections the limit above which new calls are refused with RESOURCE_EXHAUSTED (retried).")
      .define(PRODUCER_SNAPSHOT_INTERVAL_MS, LONG, 60_000L, Range.atLeast(1), LOW,
          "How often producer state is snapshotted, bounding the replay after a restart.")
      .define(OFFSETS_TOPIC_NUM_PARTITIONS, INT, 50, Range.atLeast(1), HIGH,
          "Partitions of __consumer_offsets, fixed when the topic is first created.")
      .define(OFFSETS_TOPIC_REPLICATION_FACTOR, INT, 3, Range.between(1, Short.MAX_VALUE), HIGH,
          "Replication factor of __consumer_offsets, capped at the live brokers when it is created.")
      .define(OFFSETS_RETENTION_MINUTES, INT, 10080, Range.atLeast(1), HIGH,
          "How long the committed offsets of an empty group are kept.")
      .define(OFFSETS_RETENTION_CHECK_INTERVAL_MS, LONG, 600_000L, Range.atLeast(1), HIGH,
          "How often expired offsets are looked for.")
      .define(OFFSETS_COMMIT_TIMEOUT_MS, INT, 5000, Range.atLeast(1), HIGH,
          "How long an offset commit waits for the replicas of its __consumer_offsets partition.")
      .define(GROUP_MIN_SESSION_TIMEOUT_MS, INT, 6000, MEDIUM,
          "The smallest session.timeout.ms a consumer may ask for.")
      .define(GROUP_MAX_SESSION_TIMEOUT_MS, INT, 1_800_000, MEDIUM,
          "The largest session.timeout.ms a consumer may ask for.")
      .define(GROUP_INITIAL_REBALANCE_DELAY_MS, INT, 3000, Range.atLeast(0), MEDIUM,
          "How long the first rebalance of an empty group waits for more members to join.")
      .define(METRICS_PORT, INT, DEFAULT_METRICS_PORT, Range.between(-1, 65535), MEDIUM,
          "Port of the Prometheus endpoint (GET /metrics); 0 picks a free port, -1 disables it.")
      .define(METRICS_HOST, STRING, null, MEDIUM,
          "Address the Prometheus endpoint binds; by default the host of the first entry of listeners "
              + "(every interface when that host is empty).")
      .define(QuorumConfig.ELECTION_TIMEOUT_MS, LONG, 1000L, Range.atLeast(1), MEDIUM,
          "Raft election timeout; a leader not hearing a majority this long steps down.")
      .define(QuorumConfig.FETCH_TIMEOUT_MS, LONG, 2000L, Range.atLeast(1), MEDIUM,
          "An observer's (broker's) metadata fetch deadline.")
      .define(QuorumConfig.REQUEST_TIMEOUT_MS, LONG, 2000L, Range.atLeast(1), MEDIUM,
          "Deadline of a request to the controller quorum.")
      .define(QuorumConfig.TICK_MS, LONG, 50L, Range.atLeast(1), LOW, "The Raft core's clock tick.")
      .define(QuorumConfig.HEARTBEAT_INTERVAL_MS, LONG, 100L, Range.atLeast(1), LOW,
          "Interval between Raft leader heartbeats.")
      .define(QuorumConfig.SNAPSHOT_INTERVAL_ENTRIES, INT, 20_000, Range.atLeast(1), LOW,
          "Applied metadata entries after which a snapshot is taken.")
      .define(QuorumConfig.SNAPSHOT_RETAINED_ENTRIES, INT, 5_000, Range.atLeast(0), LOW,
          "Metadata entries kept below a snapshot.");

  /** One entry of {@code listeners} or {@code advertised.listeners}; an empty host means every interface. */
  public record Listener(String name, String host, int port) {
    @Override
    public String toString() {
      return name + "://" + host + ":" + port;
    }
  }

  private final Config values;
  private final int nodeId;
  private final boolean broker;
  private final boolean controller;
  private final Map<String, Listener> listeners;
  private final Map<String, Listener> advertisedListeners;
  private final String controllerListenerName;
  private final String interBrokerListenerName;
  private final List<Path> logDirs;
  private final Path metadataLogDir;
  private final QuorumConfig quorumConfig;

  private ServerConfig(Map<String, String> props) {
    this.values = new Config(DEFINITION, props);
    Set<String> unknown = values.unknownKeys();
    if (!unknown.isEmpty()) {
      log.warn("These configurations were supplied but are not known to Weir and are ignored: {}", unknown);
    }
    this.nodeId = values.getInt(NODE_ID);
    List<String> roles = values.getList(PROCESS_ROLES);
    if (Set.copyOf(roles).size() != roles.size()) {
      throw new ConfigException(PROCESS_ROLES, String.join(",", roles), "Duplicate role names found");
    }
    this.broker = roles.contains("broker");
    this.controller = roles.contains("controller");
    this.listeners = parseListeners(LISTENERS, values.getList(LISTENERS));
    List<String> controllerNames = values.getList(CONTROLLER_LISTENER_NAMES);
    if (controllerNames.isEmpty()) {
      throw new ConfigException(CONTROLLER_LISTENER_NAMES, "",
          "must contain at least one value when running in KRaft mode");
    }
    this.controllerListenerName = controllerNames.get(0);
    this.interBrokerListenerName = values.getString(INTER_BROKER_LISTENER_NAME);
    List<String> advertised = values.getList(ADVERTISED_LISTENERS);
    if (advertised == null) {
      Map<String, Listener> m = new LinkedHashMap<>(listeners);
      m.keySet().removeAll(controllerNames);
      this.advertisedListeners = m;
    } else {
      this.advertisedListeners = parseListeners(ADVERTISED_LISTENERS, advertised);
    }
    List<String> dirs = values.getList(LOG_DIRS);
    List<Path> parsedDirs = new ArrayList<>();
    for (String d : dirs != null ? dirs : List.of(values.getString(LOG_DIR))) {
      parsedDirs.add(Path.of(d));
    }
    if (parsedDirs.isEmpty()) {
      throw new ConfigException(LOG_DIRS, "", "at least one log directory is required");
    }
    if (parsedDirs.size() > 1) {
      // One LogManager per broker so far; JBOD comes later.
      throw new ConfigException(LOG_DIRS, String.join(",", dirs),
          "Weir supports one log directory per node for now");
    }
    this.logDirs = List.copyOf(parsedDirs);
    String metadataDir = values.getString(METADATA_LOG_DIR);
    this.metadataLogDir = metadataDir == null ? logDirs.get(0) : Path.of(metadataDir);
    this.quorumConfig = parseQuorumConfig();
    checkRoles();
    // Built here so a bad combination fails at start rather than when the role comes up.
    controllerConfig();
    controllerTimings();
    brokerConfig();
  }

  /**
   * Parses and checks a node's properties.
   *
   * @throws ConfigException naming the key of the first missing, invalid or inconsistent value
   */
  public static ServerConfig fromProperties(Map<String, String> props) {
    return new ServerConfig(props);
  }

  /** The parsed values with defaults filled in, as strings: what the module records read. */
  private Map<String, String> parsedStrings() {
    Map<String, String> out = new TreeMap<>();
    for (String key : DEFINITION.keys().keySet()) {
      Object v = values.get(key);
      if (v != null) {
        out.put(key, v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
            : String.valueOf(v));
      }
    }
    return out;
  }

  private QuorumConfig parseQuorumConfig() {
    Map<String, String> quorum = parsedStrings();
    quorum.remove(QuorumConfig.LOG_DIRS);
    quorum.put(QuorumConfig.METADATA_LOG_DIR, metadataLogDir.resolve(METADATA_DIR_NAME).toString());
    try {
      return QuorumConfig.fromProperties(quorum);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private void checkRoles() {
    Set<Integer> voters = quorumConfig.voters().keySet();
    if (controller && !voters.contains(nodeId)) {
      throw new ConfigException("If process.roles contains the 'controller' role, the node id " + nodeId
          + " must be included in the set of voters " + QuorumConfig.VOTERS + "=" + voters);
    }
    if (!controller && voters.contains(nodeId)) {
      throw new ConfigException("If process.roles contains just the 'broker' role, the node id " + nodeId
          + " must not be included in the set of voters " + QuorumConfig.VOTERS + "=" + voters);
    }
    if (controller && !listeners.containsKey(controllerListenerName)) {
      throw new ConfigException("The listeners config must contain a listener named " + controllerListenerName
          + " (the first of " + CONTROLLER_LISTENER_NAMES + ") when running the controller role");
    }
    if (broker) {
      if (!controller && listeners.containsKey(controllerListenerName)) {
        throw new ConfigException(CONTROLLER_LISTENER_NAMES + " must not contain a value appearing in the '"
            + LISTENERS + "' configuration when running just the broker role: " + controllerListenerName);
      }
      if (!listeners.containsKey(interBrokerListenerName)) {
        throw new ConfigException(INTER_BROKER_LISTENER_NAME, interBrokerListenerName,
            "must be a listener name defined in " + LISTENERS + " " + listeners.keySet());
      }
      if (values.getList(CONTROLLER_LISTENER_NAMES).contains(interBrokerListenerName)) {
        throw new ConfigException(INTER_BROKER_LISTENER_NAME, interBrokerListenerName,
            "must not be a controller listener");
      }
      Listener adv = advertisedListeners.get(interBrokerListenerName);
      if (adv == null) {
        throw new ConfigException(ADVERTISED_LISTENERS, advertisedListeners.values(),
            "must contain the inter-broker listener " + interBrokerListenerName);
      }
      if (adv.port() == 0) {
        throw new ConfigException(ADVERTISED_LISTENERS, adv, "a broker must advertise a fixed port");
      }
      for (Listener l : advertisedListeners.values()) {
        if (values.getList(CONTROLLER_LISTENER_NAMES).contains(l.name())) {
          throw new ConfigException(ADVERTISED_LISTENERS, advertisedListeners.values(),
              "must not contain the controller listener " + l.name());
        }
      }
    }
  }

  private static Map<String, Listener> parseListeners(String key, List<String> entries) {
    Map<String, Listener> out = new LinkedHashMap<>();
    Set<Integer> ports = new java.util.HashSet<>();
    for (String entry : entries) {
      int sep = entry.indexOf("://");
      int colon = entry.lastIndexOf(':');
      if (sep <= 0 || colon <= sep + 2) {
        throw new ConfigException(key, String.join(",", entries),
            "'" + entry + "' is not of the form NAME://host:port");
      }
      String name = entry.substring(0, sep);
      String host = entry.substring(sep + 3, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(entry.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new ConfigException(key, String.join(",", entries), "'" + entry + "' has no numeric port");
      }
      if (port < 0 || port > 65535) {
        throw new ConfigException(key, String.join(",", entries), "'" + entry + "' has a port outside [0, 65535]");
      }
      if (out.put(name, new Listener(name, host, port)) != null) {
        throw new ConfigException(key, String.join(",", entries), "Each listener must have a different name; "
            + name + " appears more than once");
      }
      if (port != 0 && !ports.add(port) && key.equals(LISTENERS)) {
        throw new ConfigException(key, String.join(",", entries), "Each listener must have a different port; "
            + port + " appears more than once");
      }
    }
    return out;
  }

  public int nodeId() {
    return nodeId;
  }

  public boolean hasBrokerRole() {
    return broker;
  }

  public boolean hasControllerRole() {
    return controller;
  }

  /** The listener a controller binds. */
  public Listener controllerListener() {
    return listeners.get(controllerListenerName);
  }

  /** The listener a broker binds for clients and followers. */
  public Listener brokerListener() {
    return listeners.get(interBrokerListenerName);
  }

  /** What the broker registers: its advertised listeners, hosts filled in. */
  public List<Listener> advertisedListeners() {
    return advertisedListeners.values().stream()
        .map(l -> l.host().isEmpty() ? new Listener(l.name(), "localhost", l.port()) : l)
        .toList();
  }

  /** {@code metrics.port}: 0 for a free port, -1 for no endpoint. */
  public int metricsPort() {
    return values.getInt(METRICS_PORT);
  }

  /** The address the metrics endpoint binds: {@code metrics.host}, else the first listener's host. */
  public String metricsHost() {
    String host = values.getString(METRICS_HOST);
    if (host == null) {
      host = listeners.values().iterator().next().host();
    }
    return host.isEmpty() ? "0.0.0.0" : host;
  }

  public List<Path> logDirs() {
    return logDirs;
  }

  /** Where a controller's metadata log lives ({@code metadata.log.dir}, or the first log dir). */
  public Path metadataLogDir() {
    return metadataLogDir;
  }

  /** Every directory that holds a {@code meta.properties}. */
  public List<Path> allDirs() {
    List<Path> all = new ArrayList<>(logDirs);
    if (controller && !all.contains(metadataLogDir)) {
      all.add(metadataLogDir);
    }
    return all;
  }

  public QuorumConfig quorumConfig() {
    return quorumConfig;
  }

  public long brokerHeartbeatIntervalMs() {
    return values.getLong(BrokerLifecycleManager.BROKER_HEARTBEAT_INTERVAL_MS);
  }

  public ControllerConfig controllerConfig() {
    try {
      return ControllerConfig.fromProperties(parsedStrings());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  public ControllerTimings controllerTimings() {
    try {
      return ControllerTimings.fromProperties(parsedStrings());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  public BrokerConfig brokerConfig() {
    try {
      return new BrokerConfig(
          nodeId,
          Optional.ofNullable(values.getString(BROKER_RACK)),
          interBrokerListenerName,
          values.getLong(REPLICA_LAG_TIME_MAX_MS),
          values.getInt(MIN_INSYNC_REPLICAS),
          values.getInt(MESSAGE_MAX_BYTES),
          values.getInt(FETCH_MAX_BYTES),
          values.getBoolean(AUTO_CREATE_TOPICS_ENABLE),
          values.getInt(REPLICA_FETCH_WAIT_MAX_MS),
          values.getInt(REPLICA_FETCH_MAX_BYTES),
          values.getLong(REPLICA_FETCH_BACKOFF_MS),
          values.getInt(NUM_IO_THREADS),
          values.getInt(QUEUED_MAX_REQUESTS),
          values.getLong(HW_CHECKPOINT_INTERVAL_MS),
          values.getLong(LOG_RETENTION_CHECK_INTERVAL_MS),
          values.getLong(LOG_CLEANER_BACKOFF_MS),
          values.getLong(PRODUCER_SNAPSHOT_INTERVAL_MS),
          defaultLogConfig(),
          groupConfig());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private GroupConfig groupConfig() {
    return new GroupConfig(
        values.getInt(OFFSETS_TOPIC_NUM_PARTITIONS),
        (short) values.getInt(OFFSETS_TOPIC_REPLICATION_FACTOR),
        minutesToMs(values.getInt(OFFSETS_RETENTION_MINUTES)),
        values.getLong(OFFSETS_RETENTION_CHECK_INTERVAL_MS),
        values.getInt(GROUP_MIN_SESSION_TIMEOUT_MS),
        values.getInt(GROUP_MAX_SESSION_TIMEOUT_MS),
        values.getInt(GROUP_INITIAL_REBALANCE_DELAY_MS),
        values.getInt(OFFSETS_COMMIT_TIMEOUT_MS));
  }

  private LogConfig defaultLogConfig() {
    Long retentionMs = (Long) values.get(LOG_RETENTION_MS);
    Integer retentionMinutes = (Integer) values.get(LOG_RETENTION_MINUTES);
    long retention = retentionMs != null ? retentionMs
        : retentionMinutes != null ? minutesToMs(retentionMinutes)
        : hoursToMs(values.getInt(LOG_RETENTION_HOURS));
    Long rollMs = (Long) values.get(LOG_ROLL_MS);
    long roll = rollMs != null ? rollMs : hoursToMs(values.getInt(LOG_ROLL_HOURS));
    LogConfig d = LogConfig.defaults();
    return new LogConfig(
        values.getInt(LOG_SEGMENT_BYTES),
        roll,
        retention,
        values.getLong(LOG_RETENTION_BYTES),
        LogConfig.CleanupPolicy.parse(String.join(",", values.getList(LOG_CLEANUP_POLICY))),
        d.deleteRetentionMs(),
        d.flushMessages(),
        d.flushMs(),
        d.indexIntervalBytes(),
        d.maxIndexSize());
  }

  private static long minutesToMs(int minutes) {
    return minutes < 0 ? -1 : minutes * 60_000L;
  }

  private static long hoursToMs(int hours) {
    return hours < 0 ? -1 : hours * 3_600_000L;
  }
}
