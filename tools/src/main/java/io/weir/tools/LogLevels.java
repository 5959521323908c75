package io.weir.tools;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-level LOGGER=LEVEL} (or a bare {@code LEVEL} for the root logger): level overrides
 * on top of the logback configuration, applied before the node starts. Logger names are package or
 * class names, as in Kafka's {@code log4j.logger.kafka.controller=DEBUG}.
 */
final class LogLevels {
  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private LogLevels() {}

  /**
   * @throws IllegalArgumentException naming the first malformed override; none is applied then
   */
  static void apply(List<String> overrides) {
    if (overrides.isEmpty()) {
      return;
    }
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      throw new IllegalArgumentException("--log-level needs logback as the logging backend");
    }
    for (String o : overrides) {
      level(o);
    }
    for (String o : overrides) {
      int eq = o.lastIndexOf('=');
      String name = eq < 0 ? Logger.ROOT_LOGGER_NAME : o.substring(0, eq).strip();
      context.getLogger(name).setLevel(Level.toLevel(level(o)));
    }
  }

  private static String level(String override) {
    int eq = override.lastIndexOf('=');
    String level = override.substring(eq + 1).strip().toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(level) || eq == 0) {
      throw new IllegalArgumentException("invalid --log-level '" + override
          + "': expected LOGGER=LEVEL or LEVEL, with LEVEL one of TRACE, DEBUG, INFO, WARN, ERROR, OFF");
    }
    return level;
  }
}
