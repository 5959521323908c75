package io.weir.tools;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code weir} command line: one entry point for operators and newcomers. */
@Command(
    name = "weir",
    mixinStandardHelpOptions = true,
    versionProvider = Weir.Version.class,
    description = "Weir: a distributed, replicated commit log in the Kafka model.",
    subcommands = {ServerCommand.class, StorageCommand.class, CommandLine.HelpCommand.class})
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

  public static void main(String[] args) {
    System.exit(new CommandLine(new Weir()).execute(args));
  }
}
