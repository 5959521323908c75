package io.weir.systemtests.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The short profile: real processes under each schedule with acks=all idempotent producers and a
 * consumer group; the checker must find nothing lost, duplicated or reordered. Every failure names
 * the seed and the command that replays it.
 */
class FaultScheduleTest {
  @TempDir Path dir;

  static Stream<RunSpec> runs() {
    return Settings.shortRuns().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void theCheckerFindsNoBrokenPromise(RunSpec spec) {
    RunReport report = FaultRun.run(spec, dir);
    String context = failureContext(report);
    assertEquals(null, report.error(), context);
    assertTrue(report.result().ok(), context);
    assertTrue(report.result().acknowledged() > 0, context);
    assertEquals(0, report.result().lost(), context);
    assertEquals(0, report.result().duplicated(), context);
  }

  static String failureContext(RunReport report) {
    return "seed " + report.spec().seed() + ", schedule " + report.spec().schedule() + ", layout "
        + report.spec().layout() + "\nreplay: " + report.spec().replayCommand() + "\nreport: "
        + FaultRun.reportDir().resolve(report.spec().id() + ".json") + "\n" + report.toJson();
  }
}
