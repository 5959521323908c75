package io.weir.tools;

import io.weir.client.admin.Admin;
import io.weir.client.admin.QuorumDescription;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weir quorum}: the metadata quorum (Kafka's {@code kafka-metadata-quorum.sh}). */
@Command(name = "quorum", mixinStandardHelpOptions = true, description = "Describe the metadata quorum.",
    subcommands = QuorumCommand.Describe.class)
final class QuorumCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  @Command(name = "describe", mixinStandardHelpOptions = true,
      description = "The quorum's leader, epoch and high watermark (--status, the default), or each replica's "
          + "position (--replication).",
      footer = {"", "Examples:", "  weir quorum describe", "  weir quorum describe --replication"})
  static final class Describe extends ClientCommand {
    @Option(names = "--status", description = "Leader, epoch, high watermark, voters and observers.") boolean status;
    @Option(names = "--replication", description = "Log end offset and lag of every voter and observer.")
    boolean replication;
    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.") Output output;

    @Override
    protected int execute() throws Exception {
      if (status && replication) {
        throw new IllegalArgumentException("give --status or --replication, not both");
      }
      try (Admin admin = admin()) {
        QuorumDescription q = admin.describeQuorum().get();
        if (output == Output.json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("leaderId", q.leaderId());
          m.put("leaderEpoch", q.leaderEpoch());
          m.put("highWatermark", q.highWatermark());
          m.put("voters", replicas(q.voters()));
          m.put("observers", replicas(q.observers()));
          out().println(Json.write(m));
        } else if (replication) {
          out().println("NodeId\tLogEndOffset\tLag\tLastContactTimestamp\tStatus");
          for (QuorumDescription.ReplicaState r : q.voters()) {
            row(r, r.nodeId() == q.leaderId() ? "Leader" : "Follower");
          }
          q.observers().forEach(r -> row(r, "Observer"));
        } else {
          out().println("LeaderId:\t" + q.leaderId());
          out().println("LeaderEpoch:\t" + q.leaderEpoch());
          out().println("HighWatermark:\t" + q.highWatermark());
          out().println("CurrentVoters:\t" + q.voters().stream().map(QuorumDescription.ReplicaState::nodeId).toList());
          out().println("CurrentObservers:\t"
              + q.observers().stream().map(QuorumDescription.ReplicaState::nodeId).toList());
        }
        return 0;
      }
    }

    private void row(QuorumDescription.ReplicaState r, String role) {
      out().println(r.nodeId() + "\t" + r.logEndOffset() + "\t" + r.lag() + "\t" + r.lastContactTimestampMs() + "\t" + role);
    }

    private static List<Map<String, Object>> replicas(List<QuorumDescription.ReplicaState> states) {
      return states.stream().map(r -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodeId", r.nodeId());
        m.put("logEndOffset", r.logEndOffset());
        m.put("lag", r.lag());
        m.put("lastContactTimestampMs", r.lastContactTimestampMs());
        return m;
      }).toList();
    }
  }
}
