package io.weir.tools;

import io.weir.client.admin.Admin;
import io.weir.client.admin.BrokerDescription;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weir cluster}: what the cluster is made of. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Describe the cluster.",
    subcommands = ClusterCommand.Info.class)
final class ClusterCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Cluster id, active controller and every registered broker (host, port, rack, fenced).",
      footer = {"", "Example:", "  weir cluster info -o json"})
  static final class Info extends ClientCommand {
    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.") Output output;

    @Override
    protected int execute() throws Exception {
      try (Admin admin = admin()) {
        BrokerDescription d = admin.describeBrokers().get();
        if (output == Output.json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("clusterId", d.clusterId());
          m.put("controllerId", d.controllerId());
          m.put("brokers", d.brokers().stream().map(b -> {
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("id", b.id());
            bm.put("host", b.host());
            bm.put("port", b.port());
            bm.put("rack", b.rack().isEmpty() ? null : b.rack());
            bm.put("fenced", b.fenced());
            return bm;
          }).toList());
          out().println(Json.write(m));
          return 0;
        }
        out().println("Cluster ID: " + d.clusterId());
        out().println("Controller: " + (d.controllerId() < 0 ? "none" : d.controllerId()));
        for (BrokerDescription.Broker b : d.brokers()) {
          out().println("Broker: " + b.id() + "\tHost: " + b.host() + "\tPort: " + b.port() + "\tRack: "
              + (b.rack().isEmpty() ? "none" : b.rack()) + "\tFenced: " + b.fenced());
        }
        return 0;
      }
    }
  }
}
