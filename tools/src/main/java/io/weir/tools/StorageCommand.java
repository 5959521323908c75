package io.weir.tools;

import io.weir.broker.node.ServerConfig;
import io.weir.broker.node.StorageFormatter;
import io.weir.common.config.ConfigException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weir storage}: prepares a node's directories, as Kafka's {@code kafka-storage.sh}. */
@Command(name = "storage", mixinStandardHelpOptions = true, description = "Format a node's storage directories.",
    subcommands = {StorageCommand.Format.class, StorageCommand.RandomUuid.class})
final class StorageCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Writes meta.properties into every log dir (and the metadata log dir) of the node's config. */
  @Command(name = "format", mixinStandardHelpOptions = true,
      description = "Write meta.properties (node.id, cluster.id) into the node's log directories.")
  static final class Format implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "server.properties")
    Path config;

    @Option(names = {"-t", "--cluster-id"}, paramLabel = "ID", required = true,
        description = "The cluster's id, the same on every node (see `weir storage random-uuid`).")
    String clusterId;

    @Option(names = "--override", paramLabel = "KEY=VALUE", description = "Set a property, over the file's value.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        Map<String, String> props = ServerCommand.load(config);
        props.putAll(overrides);
        ServerConfig c = ServerConfig.fromProperties(props);
        StorageFormatter.format(c.allDirs(), c.nodeId(), clusterId);
        spec.commandLine().getOut().println("Formatted " + c.allDirs() + " for node " + c.nodeId()
            + " of cluster " + clusterId);
        spec.commandLine().getOut().flush();
        return 0;
      } catch (ConfigException | IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
        err.println("weir storage format: " + e.getMessage());
        err.flush();
        return 1;
      }
    }
  }

  @Command(name = "random-uuid", mixinStandardHelpOptions = true, description = "Print a new cluster id.")
  static final class RandomUuid implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(StorageFormatter.randomClusterId());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
