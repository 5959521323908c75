package io.weir.tools;

import io.weir.client.admin.Admin;
import io.weir.client.admin.ConfigEntry;
import io.weir.client.admin.NewTopic;
import io.weir.client.admin.TopicDescription;
import io.weir.client.admin.TopicPartitionInfo;
import io.weir.client.common.Node;
import io.weir.client.common.errors.ApiException;
import io.weir.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weir topic}: create, list, describe, alter and delete topics (Kafka's {@code kafka-topics.sh}). */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Create, list, describe, alter and delete topics.",
    subcommands = {TopicCommand.Create.class, TopicCommand.ListTopics.class, TopicCommand.Describe.class,
        TopicCommand.Alter.class, TopicCommand.AlterConfig.class, TopicCommand.Delete.class})
final class TopicCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Completes the future; an ApiException with {@code ignored} code counts as success. */
  static boolean ignoring(ErrorCode ignored, java.util.concurrent.Future<?> f) throws Exception {
    try {
      f.get();
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ApiException a && a.code() == ignored) {
        return false;
      }
      throw e;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.",
      footer = {"", "Examples:", "  weir topic create demo -p 3", "  weir topic create audit -r 3 -c retention.ms=604800000"})
  static final class Create extends ClientCommand {
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = {"-p", "--partitions"}, defaultValue = "-1", description = "Partition count (default: num.partitions).")
    int partitions;
    @Option(names = {"-r", "--replication-factor"}, defaultValue = "-1",
        description = "Replicas per partition (default: default.replication.factor).")
    int replicationFactor;
    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", description = "A topic config.")
    Map<String, String> configs = new LinkedHashMap<>();
    @Option(names = "--if-not-exists", description = "Succeed if the topic exists already.") boolean ifNotExists;

    @Override
    protected int execute() throws Exception {
      try (Admin admin = admin()) {
        boolean created = ignoring(ifNotExists ? ErrorCode.TOPIC_ALREADY_EXISTS : ErrorCode.NONE,
            admin.createTopics(List.of(new NewTopic(name, partitions, replicationFactor, configs))));
        out().println(created ? "Created topic " + name + "." : "Topic " + name + " already exists.");
        return 0;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List topic names.",
      footer = {"", "Example:", "  weir topic list --exclude-internal -o json"})
  static final class ListTopics extends ClientCommand {
    @Option(names = "--exclude-internal", description = "Leave out internal topics (names starting with __).")
    boolean excludeInternal;
    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.") Output output;

    @Override
    protected int execute() throws Exception {
      try (Admin admin = admin()) {
        List<String> names = admin.listTopics().get().stream()
            .filter(n -> !excludeInternal || !n.startsWith("__")).sorted().toList();
        if (output == Output.json) {
          out().println(Json.write(names));
        } else {
          names.forEach(out()::println);
        }
        return 0;
      }
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = "Describe topics (all without NAME): partitions, leaders, replicas, ISR and topic configs.",
      footer = {"", "Examples:", "  weir topic describe demo", "  weir topic describe --under-replicated-partitions"})
  static final class Describe extends ClientCommand {
    @Parameters(paramLabel = "NAME", arity = "0..*") List<String> names = new ArrayList<>();
    @Option(names = "--under-replicated-partitions", description = "Only partitions whose ISR is smaller than their replicas.")
    boolean underReplicated;
    @Option(names = "--unavailable-partitions", description = "Only partitions without a leader.")
    boolean unavailable;
    @Option(names = "--at-min-isr-partitions", description = "Only partitions whose ISR is exactly min.insync.replicas.")
    boolean atMinIsr;
    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.") Output output;

    @Override
    protected int execute() throws Exception {
      try (Admin admin = admin()) {
        List<String> topics = names.isEmpty() ? admin.listTopics().get().stream().sorted().toList() : names;
        Map<String, TopicDescription> descriptions = admin.describeTopics(topics).get();
        boolean filtered = underReplicated || unavailable || atMinIsr;
        List<Object> json = new ArrayList<>();
        for (TopicDescription t : descriptions.values()) {
          List<ConfigEntry> configs = admin.describeConfigs(false, t.name()).get();
          int minIsr = configs.stream().filter(c -> c.name().equals("min.insync.replicas"))
              .mapToInt(c -> Integer.parseInt(c.value())).findFirst().orElse(1);
          String topicConfigs = configs.stream().filter(c -> c.source().equals("TOPIC_CONFIG"))
              .map(c -> c.name() + "=" + c.value()).collect(Collectors.joining(","));
          List<TopicPartitionInfo> shown = t.partitions().stream().filter(p -> !filtered
              || (underReplicated && p.isr().size() < p.replicas().size())
              || (unavailable && p.leader() == null)
              || (atMinIsr && p.isr().size() == minIsr)).toList();
          int replicationFactor = t.partitions().isEmpty() ? 0 : t.partitions().get(0).replicas().size();
          if (output == Output.json) {
            Map<String, Object> topic = new LinkedHashMap<>();
            topic.put("name", t.name());
            topic.put("topicId", t.topicId());
            topic.put("partitionCount", t.partitions().size());
            topic.put("replicationFactor", replicationFactor);
            topic.put("configs", configs.stream().filter(c -> c.source().equals("TOPIC_CONFIG"))
                .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value, (a, b) -> b, LinkedHashMap::new)));
            topic.put("partitions", shown.stream().map(p -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("partition", p.partition());
              m.put("leader", p.leader() == null ? -1 : p.leader().id());
              m.put("replicas", p.replicas().stream().map(Node::id).toList());
              m.put("isr", p.isr().stream().map(Node::id).toList());
              return m;
            }).toList());
            json.add(topic);
            continue;
          }
          if (!filtered) {
            out().println("Topic: " + t.name() + "\tTopicId: " + t.topicId() + "\tPartitionCount: "
                + t.partitions().size() + "\tReplicationFactor: " + replicationFactor + "\tConfigs: " + topicConfigs);
          }
          for (TopicPartitionInfo p : shown) {
            out().println("\tTopic: " + t.name() + "\tPartition: " + p.partition() + "\tLeader: "
                + (p.leader() == null ? "none" : p.leader().id()) + "\tReplicas: " + ids(p.replicas())
                + "\tIsr: " + ids(p.isr()));
          }
        }
        if (output == Output.json) {
          out().println(Json.write(json));
        }
        return 0;
      }
    }

    private static String ids(List<Node> nodes) {
      return nodes.stream().map(n -> String.valueOf(n.id())).collect(Collectors.joining(","));
    }
  }

  @Command(name = "alter", mixinStandardHelpOptions = true, description = "Raise a topic's partition count.",
      footer = {"", "Example:", "  weir topic alter demo --partitions 6"})
  static final class Alter extends ClientCommand {
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--partitions", required = true, paramLabel = "N", description = "The new total partition count.")
    int partitions;

    @Override
    protected int execute() throws Exception {
      err().println("WARNING: If partitions are increased for a topic that has a key, the partition logic or "
          + "ordering of the messages will be affected");
      try (Admin admin = admin()) {
        admin.createPartitions(Map.of(name, partitions)).get();
        out().println("Topic " + name + " now has " + partitions + " partitions.");
        return 0;
      }
    }
  }

  @Command(name = "alter-config", mixinStandardHelpOptions = true, description = "Set or delete topic configs.",
      footer = {"", "Example:", "  weir topic alter-config demo -c retention.ms=3600000 --delete-config cleanup.policy"})
  static final class AlterConfig extends ClientCommand {
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = {"-c", "--config"}, paramLabel = "KEY=VALUE", description = "A config to set.")
    Map<String, String> set = new LinkedHashMap<>();
    @Option(names = "--delete-config", paramLabel = "KEY", description = "A config to return to its default.")
    List<String> delete = new ArrayList<>();

    @Override
    protected int execute() throws Exception {
      if (set.isEmpty() && delete.isEmpty()) {
        throw new IllegalArgumentException("nothing to change: give -c KEY=VALUE or --delete-config KEY");
      }
      try (Admin admin = admin()) {
        admin.incrementalAlterConfigs(false, name, set, delete).get();
        out().println("Completed updating config for topic " + name + ".");
        return 0;
      }
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a topic and its data.",
      footer = {"", "Example:", "  weir topic delete demo --if-exists"})
  static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--if-exists", description = "Succeed if there is no such topic.") boolean ifExists;

    @Override
    protected int execute() throws Exception {
      try (Admin admin = admin()) {
        boolean deleted = ignoring(ifExists ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE,
            admin.deleteTopics(List.of(name)));
        out().println(deleted ? "Deleted topic " + name + "." : "Topic " + name + " does not exist.");
        return 0;
      }
    }
  }
}
