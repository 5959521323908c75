package io.weir.systemtests.fault.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.systemtests.fault.check.History.Committed;
import io.weir.systemtests.fault.check.History.ConsumerEvent;
import io.weir.systemtests.fault.check.History.LogEntry;
import io.weir.systemtests.fault.check.History.Outcome;
import io.weir.systemtests.fault.check.History.Polled;
import io.weir.systemtests.fault.check.History.Seeked;
import io.weir.systemtests.fault.check.History.Send;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryCheckerTest {
  private static final String P0 = "t-0";
  private static final String P1 = "t-1";

  private static Send acked(String producer, long seq, String partition, long offset) {
    return Send.acked(producer, true, seq, producer + "-" + seq, partition, offset);
  }

  private static LogEntry at(long offset, String value) {
    return new LogEntry(offset, value);
  }

  private static CheckResult check(List<Send> sends, Map<String, List<LogEntry>> log) {
    return HistoryChecker.check(new History(sends, List.of(), log));
  }

  @Test
  void aCleanHistoryPasses() {
    List<Send> sends = List.of(acked("a", 0, P0, 0), acked("a", 1, P1, 0), acked("b", 0, P0, 1),
        Send.notAcked("b", true, 1, "b-1", Outcome.UNKNOWN, "timeout"),
        Send.notAcked("b", true, 2, "b-2", Outcome.FAILED, "disconnected"));
    CheckResult r = check(sends, Map.of(P0, List.of(at(0, "a-0"), at(1, "b-0"), at(2, "b-2")), P1, List.of(at(0, "a-1"))));
    assertTrue(r.ok(), r.violations().toString());
    assertEquals(5, r.sent());
    assertEquals(3, r.acknowledged());
    assertEquals(2, r.unknown());
    assertEquals(1, r.unknownPresent());
  }

  @Test
  void anAcknowledgedRecordMissingFromTheLogIsLost() {
    CheckResult r = check(List.of(acked("a", 0, P0, 0), acked("a", 1, P0, 1)), Map.of(P0, List.of(at(0, "a-0"))));
    assertFalse(r.ok());
    assertEquals(1, r.lost());
    assertTrue(r.violations().get(0).contains("a-1"), r.violations().toString());
  }

  @Test
  void anAcknowledgedRecordAtAnotherOffsetIsLostToo() {
    CheckResult r = check(List.of(acked("a", 0, P0, 0)), Map.of(P0, List.of(at(3, "a-0"))));
    assertEquals(1, r.lost());
    assertFalse(r.ok());
  }

  @Test
  void aValueTwiceIsADuplicateEvenIfItsSendFailed() {
    List<Send> sends = List.of(acked("a", 0, P0, 0), Send.notAcked("a", true, 1, "a-1", Outcome.FAILED, "x"));
    CheckResult r = check(sends, Map.of(P0, List.of(at(0, "a-0"), at(1, "a-1"), at(2, "a-1"), at(3, "a-0"))));
    assertEquals(2, r.duplicated());
    assertEquals(0, r.lost());
    assertFalse(r.ok());
  }

  @Test
  void acknowledgementsOutOfSendOrderAreReordered() {
    CheckResult r = check(List.of(acked("a", 0, P0, 1), acked("a", 1, P0, 0)),
        Map.of(P0, List.of(at(0, "a-1"), at(1, "a-0"))));
    assertEquals(2, r.reordered()); // once in the acknowledgements, once in the log
    assertEquals(0, r.lost());
    assertFalse(r.ok());
  }

  @Test
  void anUnacknowledgedRecordBeforeAnEarlierSendIsReorderedInTheLog() {
    List<Send> sends = List.of(acked("a", 0, P0, 1), Send.notAcked("a", true, 1, "a-1", Outcome.UNKNOWN, null));
    CheckResult r = check(sends, Map.of(P0, List.of(at(0, "a-1"), at(1, "a-0"))));
    assertEquals(1, r.reordered());
    assertFalse(r.ok());
  }

  @Test
  void twoProducersInterleavingIsNoReordering() {
    List<Send> sends = List.of(acked("a", 0, P0, 0), acked("b", 0, P0, 1), acked("a", 1, P0, 2), acked("b", 1, P0, 3));
    assertTrue(check(sends, Map.of(P0, List.of(at(0, "a-0"), at(1, "b-0"), at(2, "a-1"), at(3, "b-1")))).ok());
  }

  @Test
  void anOffsetAcknowledgedTwiceOrReadTwiceIsNotUnique() {
    CheckResult acks = check(List.of(acked("a", 0, P0, 0), acked("b", 0, P0, 0)),
        Map.of(P0, List.of(at(0, "a-0"))));
    assertEquals(1, acks.duplicateOffsets());
    assertFalse(acks.ok());
    CheckResult reads = check(List.of(acked("a", 0, P0, 0), acked("b", 0, P0, 1)),
        Map.of(P0, List.of(at(0, "a-0"), at(0, "b-0"))));
    assertEquals(1, reads.duplicateOffsets());
  }

  @Test
  void aValueNobodySentIsAPhantom() {
    CheckResult r = check(List.of(acked("a", 0, P0, 0)), Map.of(P0, List.of(at(0, "a-0"), at(1, "zz"))));
    assertEquals(1, r.phantoms());
    assertFalse(r.ok());
  }

  @Test
  void contrastProducersAreCountedButNeverViolations() {
    List<Send> sends = List.of(Send.acked("w", false, 0, "w-0", P0, 0), Send.acked("w", false, 1, "w-1", P0, 1),
        Send.acked("w", false, 2, "w-2", P0, 2));
    CheckResult r = check(sends, Map.of(P0, List.of(at(0, "w-0"), at(1, "w-2"), at(3, "w-2"))));
    assertTrue(r.ok(), r.violations().toString());
    assertEquals(3, r.contrastAcknowledged());
    assertEquals(2, r.contrastLost()); // w-1 missing, w-2 not at its offset
    assertEquals(1, r.contrastDuplicated());
    assertEquals(0, r.sent());
  }

  @Test
  void aLowerOffsetAfterAHigherInOneAssignmentIsANonMonotonicPollUnlessSeeked() {
    List<ConsumerEvent> backwards = List.of(new Polled("c1", 1, P0, 5, "x"), new Polled("c1", 1, P0, 3, "y"));
    CheckResult bad = HistoryChecker.check(new History(List.of(), backwards, Map.of()));
    assertEquals(1, bad.nonMonotonicPolls());
    assertFalse(bad.ok());

    List<ConsumerEvent> seeked = List.of(new Polled("c1", 1, P0, 5, "x"), new Seeked("c1", 1, P0, 3),
        new Polled("c1", 1, P0, 3, "y"));
    assertTrue(HistoryChecker.check(new History(List.of(), seeked, Map.of())).ok());

    // A new assignment may restart from the last commit, below what was polled before.
    List<ConsumerEvent> reassigned = List.of(new Polled("c1", 1, P0, 5, "x"), new Polled("c1", 2, P0, 3, "y"),
        new Polled("c2", 1, P0, 4, "z"));
    assertTrue(HistoryChecker.check(new History(List.of(), reassigned, Map.of())).ok());
  }

  @Test
  void anAcknowledgedRecordTheGroupNeverPolledIsUnconsumed() {
    List<Send> sends = List.of(acked("a", 0, P0, 0), acked("a", 1, P0, 1));
    Map<String, List<LogEntry>> log = Map.of(P0, List.of(at(0, "a-0"), at(1, "a-1")));
    CheckResult r = HistoryChecker.check(new History(sends, List.of(new Polled("c1", 1, P0, 0, "a-0")), log));
    assertEquals(1, r.unconsumed());
    assertFalse(r.ok());
    List<ConsumerEvent> both = List.of(new Polled("c1", 1, P0, 0, "a-0"), new Polled("c2", 1, P0, 1, "a-1"));
    assertTrue(HistoryChecker.check(new History(sends, both, log)).ok());
  }

  @Test
  void committedOffsetsGoingBackIsAViolationInCommitOrder() {
    List<ConsumerEvent> events = List.of(new Committed("c2", 1, P0, 10, 2), new Committed("c1", 1, P0, 7, 1),
        new Committed("c1", 1, P1, 9, 3), new Committed("c1", 2, P0, 8, 4));
    CheckResult r = HistoryChecker.check(new History(List.of(), events, Map.of()));
    assertEquals(1, r.commitRegressions());
    assertEquals(4, r.commits());
    assertTrue(r.violations().get(0).contains("from 10"), r.violations().toString());
  }

  @Test
  void aValueSentTwiceIsABrokenHistoryNotAPass() {
    List<Send> sends = List.of(acked("a", 0, P0, 0), acked("a", 0, P0, 1));
    assertThrows(IllegalArgumentException.class, () -> check(sends, Map.of()));
  }
}
