package io.weir.tools;

import io.weir.client.admin.Admin;
import io.weir.client.admin.ConsumerGroupDescription;
import io.weir.client.admin.ConsumerGroupListing;
import io.weir.client.admin.ListOffsetsResultInfo;
import io.weir.client.admin.MemberDescription;
import io.weir.client.admin.OffsetSpec;
import io.weir.client.consumer.OffsetAndMetadata;
import io.weir.common.TopicPartition;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weir group}: list, describe, reset offsets of and delete consumer groups (Kafka's {@code kafka-consumer-groups.sh}). */
@Command(name = "group", mixinStandardHelpOptions = true,
    description = "List, describe, reset the offsets of and delete consumer groups.",
    subcommands = {GroupCommand.ListGroups.class, GroupCommand.Describe.class, GroupCommand.ResetOffsets.class,
        GroupCommand.Delete.class})
final class GroupCommand implements Callable<Integer> {
  private static final Comparator<TopicPartition> ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** The group's description; a group its coordinator does not know fails naming it. */
  static ConsumerGroupDescription describe(Admin admin, String group) throws Exception {
    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).get().get(group);
    if (d == null || d.state().equals("Dead")) {
      throw new IllegalArgumentException("Consumer group '" + group + "' does not exist.");
    }
    return d;
  }

  static Map<TopicPartition, Long> offsets(Admin admin, Iterable<TopicPartition> partitions, OffsetSpec spec)
      throws Exception {
    Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
    partitions.forEach(tp -> specs.put(tp, spec));
    Map<TopicPartition, Long> out = new LinkedHashMap<>();
    admin.listOffsets(specs).get().forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List consumer groups.",
      footer = {"", "Example:", "  weir group list -o json"})
  static final class ListGroups extends ClientCommand {
    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.") Output output;

    @Override
    protected int execute() throws Exception {
      try (Admin admin = admin()) {
        List<ConsumerGroupListing> groups = admin.listConsumerGroups().get().stream()
            .sorted(Comparator.comparing(ConsumerGroupListing::groupId)).toList();
        if (output == Output.json) {
          out().println(Json.write(groups.stream().map(g -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("groupId", g.groupId());
            m.put("state", g.state());
            m.put("protocolType", g.protocolType());
            return m;
          }).toList()));
        } else {
          groups.forEach(g -> out().println(g.groupId()));
        }
        return 0;
      }
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = "Describe a group: its state and assignor, then per partition its committed offset, log end "
          + "offset, lag and owning member.",
      footer = {"", "Example:", "  weir group describe billing"})
  static final class Describe extends ClientCommand {
    @Parameters(paramLabel = "GROUP") String group;
    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.") Output output;

    @Override
    protected int execute() throws Exception {
      try (Admin admin = admin()) {
        ConsumerGroupDescription d = describe(admin, group);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).get();
        Map<TopicPartition, MemberDescription> owners = new LinkedHashMap<>();
        d.members().forEach(m -> m.assignment().forEach(tp -> owners.put(tp, m)));
        TreeSet<TopicPartition> partitions = new TreeSet<>(ORDER);
        partitions.addAll(committed.keySet());
        partitions.addAll(owners.keySet());
        Map<TopicPartition, Long> ends = partitions.isEmpty() ? Map.of() : offsets(admin, partitions, OffsetSpec.latest());

        List<Map<String, Object>> rows = new ArrayList<>();
        for (TopicPartition tp : partitions) {
          OffsetAndMetadata c = committed.get(tp);
          Long end = ends.get(tp);
          MemberDescription m = owners.get(tp);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("topic", tp.topic());
          row.put("partition", tp.partition());
          row.put("currentOffset", c == null ? null : c.offset());
          row.put("logEndOffset", end);
          row.put("lag", c == null || end == null ? null : Math.max(0, end - c.offset()));
          row.put("consumerId", m == null ? null : m.memberId());
          row.put("clientId", m == null ? null : m.clientId());
          rows.add(row);
        }
        if (output == Output.json) {
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("groupId", group);
          json.put("state", d.state());
          json.put("assignor", d.partitionAssignor());
          json.put("members", d.members().size());
          json.put("coordinator", d.coordinator() == null ? null : d.coordinator().id());
          json.put("partitions", rows);
          out().println(Json.write(json));
          return 0;
        }
        out().println("GROUP\tSTATE\tASSIGNMENT-STRATEGY\t#MEMBERS");
        out().println(group + "\t" + d.state() + "\t" + dash(d.partitionAssignor()) + "\t" + d.members().size());
        out().println();
        // Weir's DescribeGroups carries no member host, so HOST stays "-".
        out().println("GROUP\tTOPIC\tPARTITION\tCURRENT-OFFSET\tLOG-END-OFFSET\tLAG\tCONSUMER-ID\tHOST\tCLIENT-ID");
        for (Map<String, Object> r : rows) {
          out().println(String.join("\t", group, dash(r.get("topic")), dash(r.get("partition")),
              dash(r.get("currentOffset")), dash(r.get("logEndOffset")), dash(r.get("lag")), dash(r.get("consumerId")),
              "-", dash(r.get("clientId"))));
        }
        return 0;
      }
    }

    private static String dash(Object o) {
      return o == null || o.toString().isEmpty() ? "-" : o.toString();
    }
  }

  @Command(name = "reset-offsets", mixinStandardHelpOptions = true,
      description = "Move a group's committed offsets; only while the group has no active members.",
      footer = {"", "Examples:", "  weir group reset-offsets billing --topic demo --to-earliest --dry-run",
          "  weir group reset-offsets billing --topic demo:0,2 --shift-by -10 --execute",
          "  weir group reset-offsets billing --topic demo --to-datetime 2026-01-01T00:00:00Z --execute",
          "  weir group reset-offsets billing --topic demo --by-duration PT1H --execute"})
  static final class ResetOffsets extends ClientCommand {
    @Parameters(paramLabel = "GROUP") String group;
    @Option(names = "--topic", required = true, paramLabel = "T[:P,...]",
        description = "The topic, or some of its partitions.")
    String topicSpec;
    @ArgGroup(exclusive = true, multiplicity = "1") Target target;
    @ArgGroup(exclusive = true, multiplicity = "1") Mode mode;
    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.") Output output;

    static final class Target {
      @Option(names = "--to-earliest", required = true, description = "Each partition's first offset.") boolean earliest;
      @Option(names = "--to-latest", required = true, description = "Each partition's log end offset.") boolean latest;
      @Option(names = "--to-offset", required = true, paramLabel = "N", description = "Offset N (within the log).")
      Long offset;
      @Option(names = "--to-datetime", required = true, paramLabel = "ISO",
          description = "The first offset at or after this time, e.g. 2026-01-01T00:00:00Z.")
      String datetime;
      @Option(names = "--shift-by", required = true, paramLabel = "N",
          description = "The committed offset (log end without one) plus N, which may be negative.")
      Long shift;
      @Option(names = "--by-duration", required = true, paramLabel = "PnDTnHnM",
          description = "The first offset at or after this long ago.")
      String duration;
    }

    static final class Mode {
      @Option(names = "--dry-run", required = true, description = "Print the new offsets only.") boolean dryRun;
      @Option(names = "--execute", required = true, description = "Commit the new offsets.") boolean execute;
    }

    @Override
    protected int execute() throws Exception {
      try (Admin admin = admin()) {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).get().get(group);
        if (d != null && !d.members().isEmpty()) {
          throw new IllegalStateException("Assignments can only be reset if the group '" + group
              + "' is inactive, but the current state is " + d.state() + " with " + d.members().size()
              + " active member(s).");
        }
        List<TopicPartition> partitions = partitions(admin);
        Map<TopicPartition, Long> earliest = offsets(admin, partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> latest = offsets(admin, partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> wanted = targets(admin, partitions, latest);
        Map<TopicPartition, OffsetAndMetadata> plan = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
          long o = Math.min(latest.get(tp), Math.max(earliest.get(tp), wanted.get(tp)));
          plan.put(tp, new OffsetAndMetadata(o));
        }
        if (mode.execute) {
          admin.alterConsumerGroupOffsets(group, plan).get();
        }
        if (output == Output.json) {
          out().println(Json.write(plan.entrySet().stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", e.getKey().topic());
            m.put("partition", e.getKey().partition());
            m.put("newOffset", e.getValue().offset());
            return m;
          }).toList()));
        } else {
          out().println("GROUP\tTOPIC\tPARTITION\tNEW-OFFSET");
          plan.forEach((tp, o) -> out().println(group + "\t" + tp.topic() + "\t" + tp.partition() + "\t" + o.offset()));
          if (mode.dryRun) {
            err().println("Dry run: nothing changed; run with --execute to apply.");
          }
        }
        return 0;
      }
    }

    private List<TopicPartition> partitions(Admin admin) throws Exception {
      int colon = topicSpec.indexOf(':');
      String topic = colon < 0 ? topicSpec : topicSpec.substring(0, colon);
      List<TopicPartition> all = admin.describeTopics(List.of(topic)).get().get(topic).partitions().stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      if (colon < 0) {
        return all;
      }
      List<TopicPartition> chosen = new ArrayList<>();
      for (String p : topicSpec.substring(colon + 1).split(",")) {
        TopicPartition tp;
        try {
          tp = new TopicPartition(topic, Integer.parseInt(p.strip()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--topic: '" + p + "' is not a partition number (use T or T:P,P...)");
        }
        if (!all.contains(tp)) {
          throw new IllegalArgumentException("topic " + topic + " has no partition " + tp.partition());
        }
        chosen.add(tp);
      }
      return chosen;
    }

    /** Each partition's wanted offset, before clamping to the log's range. */
    private Map<TopicPartition, Long> targets(Admin admin, List<TopicPartition> partitions,
        Map<TopicPartition, Long> latest) throws Exception {
      if (target.earliest) {
        return constant(partitions, tp -> 0L);
      }
      if (target.latest) {
        return latest;
      }
      if (target.offset != null) {
        return constant(partitions, tp -> target.offset);
      }
      if (target.shift != null) {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).get();
        return constant(partitions, tp -> {
          OffsetAndMetadata c = committed.get(tp);
          return (c == null ? latest.get(tp) : c.offset()) + target.shift;
        });
      }
      long timestamp = target.datetime != null ? parseDatetime(target.datetime)
          : System.currentTimeMillis() - parseDuration(target.duration).toMillis();
      Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
      partitions.forEach(tp -> specs.put(tp, OffsetSpec.forTimestamp(Math.max(0, timestamp))));
      Map<TopicPartition, ListOffsetsResultInfo> found = admin.listOffsets(specs).get();
      // No record that recent: the log end, as in Kafka.
      return constant(partitions, tp -> found.get(tp).offset() < 0 ? latest.get(tp) : found.get(tp).offset());
    }

    private static Map<TopicPartition, Long> constant(List<TopicPartition> partitions,
        Function<TopicPartition, Long> f) {
      Map<TopicPartition, Long> out = new LinkedHashMap<>();
      partitions.forEach(tp -> out.put(tp, f.apply(tp)));
      return out;
    }

    private static long parseDatetime(String s) {
      try {
        return OffsetDateTime.parse(s).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("--to-datetime must be ISO-8601 with an offset, e.g. "
            + "2026-01-01T00:00:00Z or 2026-01-01T01:00:00+01:00, not '" + s + "'");
      }
    }

    private static Duration parseDuration(String s) {
      try {
        Duration d = Duration.parse(s);
        if (!d.isNegative()) {
          return d;
        }
      } catch (DateTimeParseException e) {
        // Reported below with the accepted form.
      }
      throw new IllegalArgumentException("--by-duration must be a non-negative ISO-8601 duration like P1DT2H30M, not '"
          + s + "'");
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete a group without active members, with its committed offsets.",
      footer = {"", "Example:", "  weir group delete billing"})
  static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "GROUP") String group;

    @Override
    protected int execute() throws Exception {
      try (Admin admin = admin()) {
        admin.deleteConsumerGroups(List.of(group)).get();
        out().println("Deletion of requested consumer groups ('" + group + "') was successful.");
        return 0;
      }
    }
  }
}
