package io.weir.systemtests.fault;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.systemtests.fault.check.CheckResult;
import io.weir.systemtests.fault.cluster.Layout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak profile ({@code mvn -Psoak verify -pl system-tests}): every schedule on both layouts in
 * turn, fresh seeds, longer fault phases, until {@code weir.systest.soakMinutes} have passed. Runs
 * to the end whatever fails, then fails listing each failed run with its replay command. A summary
 * goes to {@code target/system-test-reports/soak-summary.txt}.
 */
class SoakTest {
  @TempDir Path dir;

  @Test
  void everyScheduleKeepsEveryPromiseForTheWholeSoak() throws IOException {
    Duration soak = Duration.ofMinutes(Integer.getInteger("weir.systest.soakMinutes", 30));
    Duration phase = Settings.faultPhase(90);
    List<FaultSchedule> schedules = Settings.schedules(List.of(FaultSchedule.values()));
    List<Layout> layouts = Settings.layouts(List.of(Layout.values()));
    long end = System.nanoTime() + soak.toNanos();
    List<String> summary = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    long[] totals = new long[6];
    for (int i = 0; System.nanoTime() < end; i++) {
      FaultSchedule schedule = schedules.get(i % schedules.size());
      // Layouts alternate, shifted each round, so every schedule meets every layout.
      Layout layout = layouts.get((i + i / schedules.size()) % layouts.size());
      RunSpec spec = new RunSpec(schedule, layout, Settings.seed(), phase, false);
      RunReport report = FaultRun.run(spec, dir.resolve(spec.id()));
      CheckResult r = report.result();
      boolean ok = report.error() == null && r != null && r.ok();
      if (r != null) {
        totals[0] += r.sent();
        totals[1] += r.acknowledged();
        totals[2] += r.lost();
        totals[3] += r.duplicated();
        totals[4] += r.reordered();
        totals[5] += r.unknown();
      }
      summary.add(String.format("%s %-40s %6.0fs %s", ok ? "ok  " : "FAIL", spec.id(), report.seconds(),
          (r == null ? "" : "sent=" + r.sent() + " acked=" + r.acknowledged() + " lost=" + r.lost()
              + " duplicated=" + r.duplicated() + " reordered=" + r.reordered() + " unknown=" + r.unknown()
              + " polled=" + r.polled() + " commits=" + r.commits() + " acks1Lost=" + r.contrastLost() + " ")
              + (report.error() == null ? "" : report.error())));
      if (!ok) {
        failures.add(FaultScheduleTest.failureContext(report));
      }
      Files.write(FaultRun.reportDir().resolve("soak-summary.txt"), summary, StandardCharsets.UTF_8);
    }
    summary.add("total sent=" + totals[0] + " acknowledged=" + totals[1] + " lost=" + totals[2] + " duplicated="
        + totals[3] + " reordered=" + totals[4] + " unknown=" + totals[5] + " runs=" + (summary.size()));
    Files.write(FaultRun.reportDir().resolve("soak-summary.txt"), summary, StandardCharsets.UTF_8);
    assertTrue(failures.isEmpty(), failures.size() + " soak run(s) failed:\n" + String.join("\n\n", failures));
  }
}
