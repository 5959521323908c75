package io.weir.tools;

import io.weir.client.admin.Admin;
import io.weir.client.admin.ConfigEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code weir config}: topic and broker configs (Kafka's {@code kafka-configs.sh}). */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Describe and alter topic or broker configs.",
    subcommands = {ConfigCommand.Describe.class, ConfigCommand.Alter.class})
final class ConfigCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Exactly one of a topic or a broker (a mixin). */
  static final class Resource {
    @Option(names = "--topic", paramLabel = "T", description = "The topic.") String topic;
    @Option(names = "--broker", paramLabel = "ID", description = "The broker's id.") Integer broker;

    /** Checked when the command runs: the annotation processor cannot model this as an exclusive group. */
    Resource check() {
      if ((topic == null) == (broker == null)) {
        throw new IllegalArgumentException("give exactly one of --topic T or --broker ID");
      }
      return this;
    }

    boolean isBroker() {
      return broker != null;
    }

    String name() {
      return isBroker() ? String.valueOf(broker) : topic;
    }

    String label() {
      return (isBroker() ? "broker " : "topic ") + name();
    }
  }

  @Command(name = "describe", mixinStandardHelpOptions = true, description = "Every config with its value and source.",
      footer = {"", "Examples:", "  weir config describe --topic demo", "  weir config describe --broker 1 -o json"})
  static final class Describe extends ClientCommand {
    @Mixin Resource resource;
    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.") Output output;

    @Override
    protected int execute() throws Exception {
      resource.check();
      try (Admin admin = admin()) {
        List<ConfigEntry> entries = admin.describeConfigs(resource.isBroker(), resource.name()).get();
        if (output == Output.json) {
          out().println(Json.write(entries.stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            m.put("value", e.value());
            m.put("source", e.source());
            return m;
          }).toList()));
          return 0;
        }
        out().println("Configs for " + resource.label() + " are:");
        entries.forEach(e -> out().println("  " + e.name() + "=" + e.value() + " (" + e.source() + ")"));
        return 0;
      }
    }
  }

  @Command(name = "alter", mixinStandardHelpOptions = true, description = "Set or delete configs.",
      footer = {"", "Examples:", "  weir config alter --topic demo -c retention.ms=3600000",
          "  weir config alter --broker 1 --delete-config log.retention.ms"})
  static final class Alter extends ClientCommand {
    @Mixin Resource resource;
    @Option(names = {"-c", "--add-config"}, paramLabel = "KEY=VALUE", description = "A config to set.")
    Map<String, String> set = new LinkedHashMap<>();
    @Option(names = "--delete-config", paramLabel = "KEY", description = "A config to return to its default.")
    List<String> delete = new ArrayList<>();

    @Override
    protected int execute() throws Exception {
      if (set.isEmpty() && delete.isEmpty()) {
        throw new IllegalArgumentException("nothing to change: give -c KEY=VALUE or --delete-config KEY");
      }
      resource.check();
      try (Admin admin = admin()) {
        admin.incrementalAlterConfigs(resource.isBroker(), resource.name(), set, delete).get();
        out().println("Completed updating config for " + resource.label() + ".");
        return 0;
      }
    }
  }
}
