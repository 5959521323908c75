package io.weir.tools;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command that talks to a cluster shares (a picocli mixin; public for the perf tools). */
public final class ClientOptions {
  @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
      defaultValue = "${env:WEIR_BOOTSTRAP:-localhost:9092}",
      description = "Broker(s) to connect to, comma-separated (default: $WEIR_BOOTSTRAP or ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--command-config", paramLabel = "FILE",
      description = "Client properties (e.g. request.timeout.ms); -b still sets bootstrap.servers.")
  Path commandConfig;

  @Option(names = "--request-timeout-ms", paramLabel = "MS", defaultValue = "30000",
      description = "How long a request may wait for the cluster (default: ${DEFAULT-VALUE}).")
  int requestTimeoutMs;

  @Option(names = "--verbose", description = "Print stack traces with errors.")
  boolean verbose;

  /** Client properties: the timeouts, then the command-config file over them, then the bootstrap servers. */
  Map<String, Object> properties(Map<String, Object> timeouts) {
    return properties(timeouts, null, Map.of());
  }

  /**
   * Client properties layered as Kafka's perf tools do: {@code defaults}, then {@code --command-config},
   * then {@code file} (e.g. {@code --producer.config}, may be null), then {@code overrides}, then the
   * bootstrap servers.
   */
  public Map<String, Object> properties(Map<String, Object> defaults, Path file, Map<String, String> overrides) {
    Map<String, Object> props = new LinkedHashMap<>(defaults);
    if (commandConfig != null) {
      props.putAll(ServerCommand.load(commandConfig));
    }
    if (file != null) {
      props.putAll(ServerCommand.load(file));
    }
    props.putAll(overrides);
    props.put("bootstrap.servers", bootstrap);
    return props;
  }

  public Map<String, Object> adminProperties() {
    return properties(Map.of("request.timeout.ms", requestTimeoutMs, "default.api.timeout.ms", requestTimeoutMs));
  }
}
