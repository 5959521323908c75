package io.weir.tools.dev;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code weir dev}: tools for trying Weir on one machine. */
@Command(name = "dev", mixinStandardHelpOptions = true, description = "Local development tools.",
    subcommands = DevClusterCommand.class)
public final class DevCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }
}
