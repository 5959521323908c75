package io.weir.systemtests.fault.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code weir server} process (its own JVM from the built jar) with a fixed config file and data
 * directory, so it restarts where it stopped. Every incarnation logs to its own file. Stopping is
 * always by this process's pid and its descendants, never by name. Used by the test thread only.
 */
public final class NodeProcess {
  private final int id;
  private final Path jar;
  private final Path config;
  private final Path logDir;
  private final Path tmpDir;
  private Process process; // the running incarnation, null when stopped
  private Path currentLog;
  private int incarnation;
  private boolean paused;

  NodeProcess(int id, Path jar, Path config, Path logDir, Path tmpDir) {
    this.id = id;
    this.jar = jar;
    this.config = config;
    this.logDir = logDir;
    this.tmpDir = tmpDir;
  }

  public int id() {
    return id;
  }

  public boolean running() {
    return process != null && process.isAlive();
  }

  public long pid() {
    return process == null ? -1 : process.pid();
  }

  void start() {
    if (running()) {
      throw new IllegalStateException("node " + id + " is already running");
    }
    incarnation++;
    currentLog = logDir.resolve("node-" + id + "." + incarnation + ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-Xss512k", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmpDir, "-jar", jar.toString(),
        "server", "--config", config.toString()));
    try {
      Files.createDirectories(tmpDir);
      Files.createDirectories(logDir);
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(currentLog.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + id + ": " + cmd, e);
    }
    paused = false;
  }

  /** Whether this incarnation printed its started line. */
  boolean started() {
    return logContains("Weir node " + id + " started");
  }

  private boolean logContains(String text) {
    try {
      return Files.readString(currentLog, StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** Fails when the incarnation died while starting, pointing at its log. */
  void checkAlive() {
    if (process != null && !process.isAlive()) {
      throw new IllegalStateException("node " + id + " exited with " + process.exitValue() + "; see " + currentLog);
    }
  }

  /** SIGKILL: no shutdown hook, no flush. */
  void kill() {
    if (process == null) {
      return;
    }
    resumeIfPaused();
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    waitFor(30);
    process = null;
  }

  /** SIGTERM: the node's shutdown hook runs a controlled shutdown. */
  void stop() {
    if (process == null) {
      return;
    }
    resumeIfPaused();
    process.destroy();
    if (!waitFor(30)) {
      kill();
    }
    process = null;
  }

  /** SIGQUIT: the JVM prints every thread's stack to its output and keeps running. */
  void dumpThreads() {
    if (running() && !paused) {
      signal("QUIT");
    }
  }

  boolean threadsDumped() {
    return !running() || paused || logContains("Full thread dump");
  }

  void pause() {
    signal("STOP");
    paused = true;
  }

  void resume() {
    if (paused) {
      signal("CONT");
      paused = false;
    }
  }

  private void resumeIfPaused() {
    if (paused) {
      resume();
    }
  }

  private void signal(String name) {
    if (!running()) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private boolean waitFor(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
