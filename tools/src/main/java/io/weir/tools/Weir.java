package io.weir.tools;

import io.weir.tools.dev.DevCommand;
import io.weir.tools.perf.PerfCommand;
import java.io.InputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code weir} command line: one entry point for operators and newcomers. */
@Command(
    name = "weir",
    mixinStandardHelpOptions = true,
    versionProvider = Weir.Version.class,
    description = "Weir: a distributed, replicated commit log in the Kafka model.",
    footer = {"", "Quickstart:", "  weir server &", "  weir topic create demo -p 3", "  echo hello | weir produce demo",
        "  weir consume demo --from-beginning -n 1", "", "Three local brokers:", "  weir dev cluster --nodes 3"},
    subcommands = {ServerCommand.class, StorageCommand.class, TopicCommand.class, ProduceCommand.class,
        ConsumeCommand.class, GroupCommand.class, ClusterCommand.class, QuorumCommand.class, ConfigCommand.class, LeaderCommand.class,
        PerfCommand.class, DevCommand.class, CommandLine.HelpCommand.class})
public final class Weir implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return 0;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Weir.class.getPackage().getImplementationVersion();
      return new String[] {"weir " + (v == null ? "dev" : v)};
    }
  }

  /**
   * The command line with {@code stdin} as {@code weir produce}'s input; a wrong or missing flag is
   * one line on stderr and exit code 2.
   */
  public static CommandLine commandLine(InputStream stdin) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        return cls == ProduceCommand.class ? cls.cast(new ProduceCommand(stdin)) : defaults.create(cls);
      }
    };
    CommandLine cl = new CommandLine(new Weir(), factory);
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine failed = e.getCommandLine();
      failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + e.getMessage()
          + " (see " + failed.getCommandSpec().qualifiedName() + " --help)");
      failed.getErr().flush();
      return failed.getCommandSpec().exitCodeOnInvalidInput();
    });
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine(System.in).execute(args));
  }
}
