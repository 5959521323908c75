package io.weir.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The weir jar's logging: its default configuration and the per-logger overrides. */
class LoggingTest {

  @Test
  void theDefaultConfigurationWritesOneLinePerEventToStderr() throws Exception {
    URL config = getClass().getClassLoader().getResource("logback.xml");
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(config);
      Logger log = context.getLogger("io.weir.example.Component");
      log.debug("not shown at the default INFO level");
      log.info("plain event");
      log.error("replica fetch failed\nfor partition orders-0",
          new IllegalStateException("boom", new java.io.IOException("disk")));
    } finally {
      System.setErr(stderr);
      context.stop();
    }
    String all = captured.toString(StandardCharsets.UTF_8);
    assertFalse(all.contains("not shown"));
    List<String> lines = all.lines().toList();
    assertEquals(2, lines.size(), "one line per event: " + all);
    assertTrue(lines.get(0).endsWith(" INFO  [main] io.weir.example.Component - plain event"), lines.get(0));
    String error = lines.get(1);
    assertTrue(error.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ ERROR \\[[^]]+] "
        + "io\\.weir\\.example\\.Component - replica fetch failed \\| for partition orders-0 \\| "
        + "java\\.lang\\.IllegalStateException: boom \\| at .* \\| Caused by: java\\.io\\.IOException: disk"
        + " \\| \\.\\.\\. \\d+ common frames omitted"), error);
  }

  @Test
  void logLevelOverridesSetLoggersAndTheRoot() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger pkg = context.getLogger("io.weir.example");
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level rootBefore = root.getLevel();
    try {
      LogLevels.apply(List.of("io.weir.example=debug", "ERROR"));
      assertEquals(Level.DEBUG, pkg.getLevel());
      assertEquals(Level.ERROR, root.getLevel());
    } finally {
      pkg.setLevel(null);
      root.setLevel(rootBefore);
    }
  }

  @Test
  void aMalformedOverrideStopsTheServerBeforeItStarts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LogLevels.apply(List.of("io.weir.example=DEBUG", "io.weir.metadata=LOUD")));
    assertTrue(e.getMessage().startsWith("invalid --log-level 'io.weir.metadata=LOUD'"), e.getMessage());
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertNull(context.getLogger("io.weir.example").getLevel(), "nothing applied");

    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Weir());
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(1, cli.execute("server", "--log-level", "=DEBUG", "--print-config-docs"));
    assertTrue(err.toString().startsWith("weir server: invalid --log-level '=DEBUG'"), err.toString());
  }
}
