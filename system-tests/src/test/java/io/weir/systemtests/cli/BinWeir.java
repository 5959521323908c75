package io.weir.systemtests.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The repository's real {@code bin/weir}, run as a subprocess on the {@code tools/target/weir.jar}
 * the reactor packaged before this module ({@code WEIR_NO_BUILD=1}: a test never builds).
 */
final class BinWeir {
  /** Client JVMs start faster without the optimising compiler; they run for seconds. */
  static final String FAST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  /** What a finished command printed and returned. */
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Path root;
  private final Path workDir;
  private final Map<String, String> env;

  /** Commands run in {@code workDir} with {@code env} added to this JVM's environment. */
  BinWeir(Path workDir, Map<String, String> env) {
    this.root = repositoryRoot();
    this.workDir = workDir;
    this.env = env;
  }

  /** The module's basedir is {@code <root>/system-tests}; the jar must have been packaged already. */
  static Path repositoryRoot() {
    Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    Path root = basedir.getParent();
    if (!Files.isExecutable(root.resolve("bin/weir")) || !Files.isRegularFile(root.resolve("tools/target/weir.jar"))) {
      throw new IllegalStateException("no bin/weir and tools/target/weir.jar under " + root
          + "; run through the reactor (mvn -pl system-tests -am verify) so that tools is packaged first");
    }
    return root;
  }

  private ProcessBuilder builder(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(root.resolve("bin/weir").toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().put("WEIR_NO_BUILD", "1");
    pb.environment().put("WEIR_JAVA_OPTS", FAST_JVM);
    pb.environment().remove("WEIR_BOOTSTRAP");
    pb.environment().putAll(env);
    return pb;
  }

  /** Runs a command to its end, feeding it {@code stdin}; killed and failed when it outlives {@code timeout}. */
  Result runWithInput(Duration timeout, String stdin, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    Process p = builder(List.of(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("bin/weir " + String.join(" ", args) + " did not finish within " + timeout
            + "; stderr so far:\n" + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      // bin/weir stays the JVM's parent on a command's first run (it publishes the class archive after).
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  Result run(Duration timeout, String... args) throws IOException, InterruptedException {
    return runWithInput(timeout, "", args);
  }

  /** Starts a long-running command with its stdout and stderr in {@code log}; the caller stops it with {@link #stop}. */
  Process start(Path log, String... args) throws IOException {
    Process p = builder(List.of(args)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    p.getOutputStream().close();
    return p;
  }

  /** SIGTERM, a bounded wait, then SIGKILL: what a test's cleanup does with every process it started. */
  static void stop(ProcessHandle p) {
    p.destroy();
    try {
      p.onExit().get(20, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      p.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }
}
