package io.weir.tools;

import io.weir.client.admin.Admin;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * A command that talks to a cluster: any failure becomes one line on stderr naming the command,
 * and exit code 1 (the stack trace too with {@code --verbose}).
 */
public abstract class ClientCommand implements Callable<Integer> {
  @CommandLine.Spec protected CommandLine.Model.CommandSpec spec;
  @Mixin protected ClientOptions client;

  /** Runs the command; returns its exit code. */
  protected abstract int execute() throws Exception;

  @Override
  public final Integer call() {
    try {
      return execute();
    } catch (Exception e) {
      return failed(spec, e, client.verbose);
    } finally {
      out().flush();
      err().flush();
    }
  }

  /** Reports a command's failure as one line on stderr (and its stack trace when verbose); returns exit code 1. */
  private static int failed(CommandLine.Model.CommandSpec spec, Exception e, boolean verbose) {
    Throwable cause = e;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    PrintWriter err = spec.commandLine().getErr();
    err.println(spec.qualifiedName() + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
    if (verbose) {
      cause.printStackTrace(err);
    }
    return 1;
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  Admin admin() {
    return Admin.create(client.adminProperties());
  }

  /** Text or JSON, for the commands that list things. */
  enum Output { text, json }
}
