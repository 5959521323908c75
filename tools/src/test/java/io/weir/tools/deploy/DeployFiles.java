package io.weir.tools.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The files under {@code deploy/} and running the container's entrypoint script, for the deploy tests. */
final class DeployFiles {
  private DeployFiles() {}

  /** The repository root: the first directory up from the working directory that holds deploy/. */
  static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("deploy/docker/weir-entrypoint.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException("no deploy/docker/weir-entrypoint.sh above " + Path.of("").toAbsolutePath());
  }

  static Path entrypoint() {
    return repoRoot().resolve("deploy/docker/weir-entrypoint.sh");
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code key=value} text (a properties file, or the entrypoint's --print-config output). */
  static Map<String, String> properties(String text) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  /** What one run of the script did. */
  record ScriptRun(int exitCode, String stdout, String stderr) {
    Map<String, String> printedConfig() {
      return properties(stdout);
    }

    @Override
    public String toString() {
      return "exit " + exitCode + ", stdout [" + stdout + "], stderr [" + stderr + "]";
    }
  }

  /**
   * Runs the entrypoint with {@code sh} (POSIX, as the image's /bin/sh) in an environment holding only
   * PATH and {@code env}; output goes to files in {@code tmp} so a chatty script cannot block on a pipe.
   */
  static ScriptRun runEntrypoint(Path tmp, Map<String, String> env, String... args) {
    try {
      Path out = Files.createTempFile(tmp, "stdout", ".txt");
      Path err = Files.createTempFile(tmp, "stderr", ".txt");
      String[] command = new String[args.length + 2];
      command[0] = "sh";
      command[1] = entrypoint().toString();
      System.arraycopy(args, 0, command, 2, args.length);
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      Map<String, String> processEnv = pb.environment();
      processEnv.clear();
      processEnv.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      processEnv.putAll(env);
      Process p = pb.start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the entrypoint did not finish within 30 s: " + String.join(" ", command));
      }
      return new ScriptRun(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
