package io.weir.systemtests.fault;

import io.weir.systemtests.fault.cluster.Layout;
import java.time.Duration;

/**
 * One run: a schedule on a layout from a seed, for a fault phase. {@code lossy} runs only acks=1
 * producers on a topic with unclean leader election, to show the checker catches loss.
 */
public record RunSpec(FaultSchedule schedule, Layout layout, long seed, Duration faultPhase, boolean lossy) {
  public String id() {
    return schedule + "-" + layout + "-" + seed + (lossy ? "-lossy" : "");
  }

  /** The command that runs this again. */
  public String replayCommand() {
    return "mvn -B -pl system-tests -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest="
        + (lossy ? "AcksOneLossTest" : "FaultScheduleTest") + " -Dweir.systest.schedule=" + schedule
        + " -Dweir.systest.layout=" + layout + " -Dweir.systest.seed=" + seed
        + " -Dweir.systest.faultSeconds=" + faultPhase.toSeconds();
  }
}
