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
abstract class ClientCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  /** Runs the command; returns its exit code. */
  abstract int execute() throws Exception;

  @Override
  public final Integer call() {
    try {
      return execute();
    } catch (Exception e) {
      Throwable cause = e;
      while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      err().println(spec.qualifiedName() + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
      if (client.verbose) {
        cause.printStackTrace(err());
      }
      return 1;
    } finally {
      out().flush();
      err().flush();
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  Admin admin() {
    return Admin.create(client.adminProperties());
  }

  /** Text or JSON, for the commands that list things. */
  enum Output { text, json }
}
