package io.weir.metadata.controller;

import io.weir.metadata.controller.TopicConfigDef.AnyValue;
import io.weir.metadata.controller.TopicConfigDef.OneOf;
import io.weir.metadata.controller.TopicConfigDef.Range;
import io.weir.metadata.controller.TopicConfigDef.Type;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Kafka's topic configs the controller accepts, with their defaults and rules. */
public final class TopicConfigs {
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String MIN_IN_SYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    private static final String LONG_MAX_TEXT = Long.toString(Long.MAX_VALUE);

    /** By topic config name, sorted so describe lists them in a stable order. */
    public static final Map<String, TopicConfigDef> DEFS;

    /** By broker-level synonym (the cluster-default key). */
    public static final Map<String, TopicConfigDef> BY_BROKER_SYNONYM;

    static {
        TopicConfigDef[] defs = {
            def(CLEANUP_POLICY, Type.LIST, "delete", new OneOf(Set.of("delete", "compact")), "log.cleanup.policy"),
            def("compression.type", Type.STRING, "producer",
                    new OneOf(Set.of("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer")),
                    "compression.type"),
            def("delete.retention.ms", Type.LONG, "86400000", atLeast(0), "log.cleaner.delete.retention.ms"),
            def("file.delete.delay.ms", Type.LONG, "60000", atLeast(0), "log.segment.delete.delay.ms"),
            def("flush.messages", Type.LONG, LONG_MAX_TEXT, atLeast(1), "log.flush.interval.messages"),
            def("flush.ms", Type.LONG, LONG_MAX_TEXT, atLeast(0), "log.flush.interval.ms"),
            def("index.interval.bytes", Type.INT, "4096", atLeast(0), "log.index.interval.bytes"),
            def("max.compaction.lag.ms", Type.LONG, LONG_MAX_TEXT, atLeast(1), "log.cleaner.max.compaction.lag.ms"),
            def("max.message.bytes", Type.INT, "1048588", atLeast(0), "message.max.bytes"),
            def("message.timestamp.after.max.ms", Type.LONG, "3600000", atLeast(0),
                    "log.message.timestamp.after.max.ms"),
            def("message.timestamp.before.max.ms", Type.LONG, LONG_MAX_TEXT, atLeast(0),
                    "log.message.timestamp.before.max.ms"),
            def("message.timestamp.type", Type.STRING, "CreateTime",
                    new OneOf(Set.of("CreateTime", "LogAppendTime")), "log.message.timestamp.type"),
            def("min.cleanable.dirty.ratio", Type.DOUBLE, "0.5", new Range(0, 1), "log.cleaner.min.cleanable.ratio"),
            def("min.compaction.lag.ms", Type.LONG, "0", atLeast(0), "log.cleaner.min.compaction.lag.ms"),
            def(MIN_IN_SYNC_REPLICAS, Type.INT, "1", atLeast(1), "min.insync.replicas"),
            def("preallocate", Type.BOOLEAN, "false", new AnyValue(), "log.preallocate"),
            def("retention.bytes", Type.LONG, "-1", new AnyValue(), "log.retention.bytes"),
            def("retention.ms", Type.LONG, "604800000", atLeast(-1), "log.retention.ms"),
            def("segment.bytes", Type.INT, "1073741824", atLeast(1024 * 1024), "log.segment.bytes"),
            def("segment.index.bytes", Type.INT, "10485760", atLeast(4), "log.index.size.max.bytes"),
            def("segment.jitter.ms", Type.LONG, "0", atLeast(0), "log.roll.jitter.ms"),
            def("segment.ms", Type.LONG, "604800000", atLeast(1), "log.roll.ms"),
            def(UNCLEAN_LEADER_ELECTION_ENABLE, Type.BOOLEAN, "false", new AnyValue(),
                    "unclean.leader.election.enable"),
        };
        Map<String, TopicConfigDef> byName = new TreeMap<>();
        Map<String, TopicConfigDef> bySynonym = new TreeMap<>();
        for (TopicConfigDef d : defs) {
            byName.put(d.name(), d);
            bySynonym.put(d.brokerSynonym(), d);
        }
        DEFS = java.util.Collections.unmodifiableMap(byName);
        BY_BROKER_SYNONYM = java.util.Collections.unmodifiableMap(bySynonym);
    }

    private TopicConfigs() {
    }

    private static TopicConfigDef def(String name, Type type, String dflt, TopicConfigDef.Rule rule, String syn) {
        return new TopicConfigDef(name, type, dflt, rule, syn);
    }

    private static Range atLeast(double min) {
        return new Range(min, Double.MAX_VALUE);
    }
}
