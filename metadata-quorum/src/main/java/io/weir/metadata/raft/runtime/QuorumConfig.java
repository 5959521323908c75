package io.weir.metadata.raft.runtime;

import io.weir.metadata.raft.RaftConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Configuration of a quorum member (voter or observer), read from Kafka's property names so a KRaft user's
 * {@code server.properties} reads naturally. Times are in milliseconds; the Raft core counts ticks of
 * {@code tickMs}, so the election timeout and heartbeat interval are rounded to whole ticks.
 *
 * @param nodeId {@code node.id}
 * @param voters {@code controller.quorum.voters}, by id
 * @param electionTimeoutMs {@code controller.quorum.election.timeout.ms}: a follower that has not heard from
 *     a leader for a random time between one and two of these campaigns; a leader that has not heard from a
 *     majority for one steps down
 * @param fetchTimeoutMs {@code controller.quorum.fetch.timeout.ms}: how long an observer's fetch may wait on
 *     a voter that says nothing before it tries another voter
 * @param requestTimeoutMs {@code controller.quorum.request.timeout.ms}: deadline of a proposal or a quorum
 *     description through {@link QuorumClient}
 * @param tickMs {@code controller.quorum.tick.ms}: the Raft core's clock
 * @param heartbeatIntervalMs {@code controller.quorum.heartbeat.interval.ms}: between leader heartbeats
 * @param snapshotIntervalEntries {@code controller.quorum.snapshot.interval.entries}: applied entries after
 *     which a member snapshots its state machine and compacts its log
 * @param snapshotRetainedEntries {@code controller.quorum.snapshot.retained.entries}: entries kept below the
 *     snapshot, so followers slightly behind catch up from the log rather than from a snapshot
 * @param metadataLogDir {@code metadata.log.dir}, by default the first of {@code log.dirs}; null for an
 *     observer that keeps nothing on disk
 */
public record QuorumConfig(
        int nodeId,
        SortedMap<Integer, Endpoint> voters,
        long electionTimeoutMs,
        long fetchTimeoutMs,
        long requestTimeoutMs,
        long tickMs,
        long heartbeatIntervalMs,
        int snapshotIntervalEntries,
        int snapshotRetainedEntries,
        Path metadataLogDir) {

    public static final String NODE_ID = "node.id";
    public static final String VOTERS = "controller.quorum.voters";
    public static final String ELECTION_TIMEOUT_MS = "controller.quorum.election.timeout.ms";
    public static final String FETCH_TIMEOUT_MS = "controller.quorum.fetch.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "controller.quorum.request.timeout.ms";
    public static final String TICK_MS = "controller.quorum.tick.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "controller.quorum.heartbeat.interval.ms";
    public static final String SNAPSHOT_INTERVAL_ENTRIES = "controller.quorum.snapshot.interval.entries";
    public static final String SNAPSHOT_RETAINED_ENTRIES = "controller.quorum.snapshot.retained.entries";
    public static final String METADATA_LOG_DIR = "metadata.log.dir";
    public static final String LOG_DIRS = "log.dirs";

    // KRaft's defaults for the first three; heartbeats well below the election timeout.
    static final long DEFAULT_ELECTION_TIMEOUT_MS = 1000;
    static final long DEFAULT_FETCH_TIMEOUT_MS = 2000;
    static final long DEFAULT_REQUEST_TIMEOUT_MS = 2000;
    static final long DEFAULT_TICK_MS = 50;
    static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 100;
    static final int DEFAULT_SNAPSHOT_INTERVAL_ENTRIES = 20_000;
    static final int DEFAULT_SNAPSHOT_RETAINED_ENTRIES = 5_000;

    public QuorumConfig {
        voters = Collections.unmodifiableSortedMap(new TreeMap<>(voters));
        if (voters.isEmpty()) {
            throw invalid(VOTERS, "", "at least one voter is required");
        }
        positive(ELECTION_TIMEOUT_MS, electionTimeoutMs);
        positive(FETCH_TIMEOUT_MS, fetchTimeoutMs);
        positive(REQUEST_TIMEOUT_MS, requestTimeoutMs);
        positive(TICK_MS, tickMs);
        positive(HEARTBEAT_INTERVAL_MS, heartbeatIntervalMs);
        positive(SNAPSHOT_INTERVAL_ENTRIES, snapshotIntervalEntries);
        if (snapshotRetainedEntries < 0) {
            throw invalid(SNAPSHOT_RETAINED_ENTRIES, snapshotRetainedEntries, "must be >= 0");
        }
        if (electionTimeoutMs < 2 * tickMs) {
            throw invalid(ELECTION_TIMEOUT_MS, electionTimeoutMs, "must be at least two ticks of "
                    + TICK_MS + "=" + tickMs);
        }
        if (heartbeatIntervalMs >= electionTimeoutMs) {
            throw invalid(HEARTBEAT_INTERVAL_MS, heartbeatIntervalMs, "must be below "
                    + ELECTION_TIMEOUT_MS + "=" + electionTimeoutMs);
        }
        if (voters.containsKey(nodeId) && metadataLogDir == null) {
            throw new IllegalArgumentException("Missing configuration " + METADATA_LOG_DIR + " (or " + LOG_DIRS
                    + "): voter " + nodeId + " needs a directory for the metadata log");
        }
    }

    /** Parses the quorum's keys from a node's properties; other keys are ignored. */
    public static QuorumConfig fromProperties(Properties props) {
        Map<String, String> map = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            map.put(key, props.getProperty(key));
        }
        return fromProperties(map);
    }

    /** Parses the quorum's keys from a node's properties; other keys are ignored. */
    public static QuorumConfig fromProperties(Map<String, String> props) {
        String nodeIdValue = props.get(NODE_ID);
        if (nodeIdValue == null) {
            throw new IllegalArgumentException("Missing required configuration " + NODE_ID);
        }
        int nodeId = (int) parseLong(NODE_ID, nodeIdValue, 0, Integer.MAX_VALUE);
        String votersValue = props.get(VOTERS);
        if (votersValue == null) {
            throw new IllegalArgumentException("Missing required configuration " + VOTERS
                    + " (format: id@host:port,id@host:port,...)");
        }
        long tick = longValue(props, TICK_MS, DEFAULT_TICK_MS);
        long election = longValue(props, ELECTION_TIMEOUT_MS, DEFAULT_ELECTION_TIMEOUT_MS);
        Path logDir = null;
        String dir = props.get(METADATA_LOG_DIR);
        if (dir == null && props.get(LOG_DIRS) != null) {
            dir = props.get(LOG_DIRS).split(",")[0].trim();
        }
        if (dir != null && !dir.isBlank()) {
            logDir = Path.of(dir.trim());
        }
        return new QuorumConfig(
                nodeId,
                parseVoters(votersValue),
                election,
                longValue(props, FETCH_TIMEOUT_MS, DEFAULT_FETCH_TIMEOUT_MS),
                longValue(props, REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS),
                tick,
                longValue(props, HEARTBEAT_INTERVAL_MS, DEFAULT_HEARTBEAT_INTERVAL_MS),
                (int) parseLong(SNAPSHOT_INTERVAL_ENTRIES, props.getOrDefault(SNAPSHOT_INTERVAL_ENTRIES,
                        String.valueOf(DEFAULT_SNAPSHOT_INTERVAL_ENTRIES)), 1, Integer.MAX_VALUE),
                (int) parseLong(SNAPSHOT_RETAINED_ENTRIES, props.getOrDefault(SNAPSHOT_RETAINED_ENTRIES,
                        String.valueOf(DEFAULT_SNAPSHOT_RETAINED_ENTRIES)), 0, Integer.MAX_VALUE),
                logDir);
    }

    /** Parses Kafka's {@code id@host:port,id@host:port,...}; IPv6 hosts go in brackets. */
    public static SortedMap<Integer, Endpoint> parseVoters(String value) {
        SortedMap<Integer, Endpoint> voters = new TreeMap<>();
        if (value.isBlank()) {
            throw invalid(VOTERS, value, "at least one voter is required (format: id@host:port,...)");
        }
        for (String part : value.split(",", -1)) {
            String voter = part.trim();
            int at = voter.indexOf('@');
            int colon = voter.lastIndexOf(':');
            if (at <= 0 || colon < at + 2 || colon == voter.length() - 1) {
                throw invalid(VOTERS, value, "'" + voter + "' is not of the form id@host:port");
            }
            int id;
            int port;
            try {
                id = Integer.parseInt(voter.substring(0, at));
                port = Integer.parseInt(voter.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw invalid(VOTERS, value, "'" + voter + "' does not have a numeric id and port");
            }
            if (id < 0) {
                throw invalid(VOTERS, value, "'" + voter + "' has a negative id");
            }
            if (port < 0 || port > 65535) {
                throw invalid(VOTERS, value, "'" + voter + "' has a port outside [0, 65535]");
            }
            String host = voter.substring(at + 1, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                throw invalid(VOTERS, value, "'" + voter + "' has an empty host");
            }
            if (voters.put(id, new Endpoint(host, port)) != null) {
                throw invalid(VOTERS, value, "voter id " + id + " appears more than once");
            }
        }
        return voters;
    }

    public boolean isVoter() {
        return voters.containsKey(nodeId);
    }

    public int electionTimeoutTicks() {
        return (int) Math.max(2, electionTimeoutMs / tickMs);
    }

    public int heartbeatTicks() {
        return (int) Math.max(1, Math.min(electionTimeoutTicks() - 1, heartbeatIntervalMs / tickMs));
    }

    /**
     * The core's configuration for this node. Observers are not listed: they pull committed entries with
     * FetchCommitted instead of being pushed to, so the quorum need not know brokers in advance.
     */
    public RaftConfig raftConfig(long randomSeed) {
        if (!isVoter()) {
            throw new IllegalStateException("node " + nodeId + " is not a voter of " + voters.keySet());
        }
        return RaftConfig.of(nodeId, new ArrayList<>(voters.keySet()), List.of())
                .withTimeouts(electionTimeoutTicks(), heartbeatTicks())
                .withRandomSeed(randomSeed);
    }

    /** The same configuration for another member, e.g. each voter of an in-JVM test cluster. */
    public QuorumConfig withNodeId(int id, Path logDir) {
        return new QuorumConfig(id, voters, electionTimeoutMs, fetchTimeoutMs, requestTimeoutMs, tickMs,
                heartbeatIntervalMs, snapshotIntervalEntries, snapshotRetainedEntries, logDir);
    }

    private static long longValue(Map<String, String> props, String key, long defaultValue) {
        String v = props.get(key);
        return v == null ? defaultValue : parseLong(key, v, 1, Long.MAX_VALUE);
    }

    private static long parseLong(String key, String value, long min, long max) {
        long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(key, value, "not a number");
        }
        if (v < min || v > max) {
            throw invalid(key, value, "must be in [" + min + ", " + max + "]");
        }
        return v;
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw invalid(key, value, "must be > 0");
        }
    }

    private static IllegalArgumentException invalid(String key, Object value, String reason) {
        return new IllegalArgumentException("Invalid value '" + value + "' for configuration " + key + ": " + reason);
    }
}
