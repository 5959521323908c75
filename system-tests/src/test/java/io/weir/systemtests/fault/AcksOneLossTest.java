package io.weir.systemtests.fault;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.systemtests.fault.cluster.Layout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker must be able to fail: acks=1 producers on a topic with unclean leader election,
 * through leader-killing schedules, must lose acknowledged records in at least one run (a leader
 * acknowledges before its followers copy, then dies). Stops at the first run that shows loss.
 */
class AcksOneLossTest {
  @TempDir Path dir;

  @Test
  void acksOneUnderLeaderFailuresLosesAcknowledgedRecords() {
    List<FaultSchedule> schedules =
        Settings.schedules(List.of(FaultSchedule.KILL_LEADER, FaultSchedule.ISOLATE_LEADER));
    List<String> runs = new ArrayList<>();
    for (FaultSchedule schedule : schedules) {
      RunSpec spec = new RunSpec(schedule, Settings.layouts(List.of(Layout.COMBINED)).get(0), Settings.seed(),
          Settings.faultPhase(20), true);
      RunReport report = FaultRun.run(spec, dir.resolve(spec.id()));
      String context = FaultScheduleTest.failureContext(report);
      // A liveness failure (reported by FaultScheduleTest's runs) still leaves a checked history here.
      assertNotNull(report.result(), context);
      assertTrue(report.result().contrastAcknowledged() > 0, context);
      runs.add(spec.id() + ": " + report.result().contrastLost() + " of " + report.result().contrastAcknowledged()
          + " acknowledged lost" + (report.error() == null ? "" : " (" + report.error() + ")") + "; replay: "
          + spec.replayCommand());
      if (report.result().contrastLost() > 0) {
        return;
      }
    }
    throw new AssertionError("no acks=1 run lost an acknowledged record, so the checker never showed it can fail:\n"
        + String.join("\n", runs));
  }
}
