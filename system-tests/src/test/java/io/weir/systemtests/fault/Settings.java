package io.weir.systemtests.fault;

import io.weir.systemtests.fault.cluster.Layout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The runs asked for through {@code -Dweir.systest.*}: {@code schedule} (one or a comma list),
 * {@code layout}, {@code seed}, {@code faultSeconds}, and for the soak {@code soakMinutes}. Without
 * them, the short profile's matrix with fresh seeds.
 */
final class Settings {
  /** The short profile: a few schedules across both layouts. */
  private static final List<Object[]> SHORT = List.of(
      new Object[] {FaultSchedule.KILL_LEADER, Layout.SPLIT},
      new Object[] {FaultSchedule.PARTITION, Layout.COMBINED},
      new Object[] {FaultSchedule.PAUSE_NODE, Layout.COMBINED},
      new Object[] {FaultSchedule.KILL_CONTROLLER, Layout.SPLIT},
      new Object[] {FaultSchedule.ISOLATE_LEADER, Layout.COMBINED});

  private Settings() {}

  static Duration faultPhase(int defaultSeconds) {
    return Duration.ofSeconds(Integer.getInteger("weir.systest.faultSeconds", defaultSeconds));
  }

  static long seed() {
    String s = property("weir.systest.seed");
    return s == null ? ThreadLocalRandom.current().nextLong(1, 1_000_000) : Long.parseLong(s);
  }

  static List<Layout> layouts(List<Layout> defaults) {
    String s = property("weir.systest.layout");
    return s == null ? defaults : List.of(Layout.valueOf(s.trim().toUpperCase(Locale.ROOT)));
  }

  static List<FaultSchedule> schedules(List<FaultSchedule> defaults) {
    String s = property("weir.systest.schedule");
    if (s == null) {
      return defaults;
    }
    List<FaultSchedule> list = new ArrayList<>();
    for (String name : s.split(",")) {
      list.add(FaultSchedule.valueOf(name.trim().toUpperCase(Locale.ROOT)));
    }
    return list;
  }

  /** The short matrix, or exactly the schedule/layout/seed asked for. */
  static List<RunSpec> shortRuns() {
    Duration phase = faultPhase(25);
    if (property("weir.systest.schedule") == null && property("weir.systest.layout") == null) {
      return SHORT.stream()
          .map(r -> new RunSpec((FaultSchedule) r[0], (Layout) r[1], seed(), phase, false)).toList();
    }
    List<RunSpec> runs = new ArrayList<>();
    for (FaultSchedule s : schedules(List.of(FaultSchedule.values()))) {
      for (Layout l : layouts(List.of(Layout.values()))) {
        runs.add(new RunSpec(s, l, seed(), phase, false));
      }
    }
    return runs;
  }

  /** Empty system properties (as surefire passes unset ones) count as unset. */
  static String property(String name) {
    String v = System.getProperty(name);
    return v == null || v.isBlank() ? null : v;
  }
}
