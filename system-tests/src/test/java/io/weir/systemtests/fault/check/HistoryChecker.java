package io.weir.systemtests.fault.check;

import io.weir.systemtests.fault.check.History.Committed;
import io.weir.systemtests.fault.check.History.ConsumerEvent;
import io.weir.systemtests.fault.check.History.LogEntry;
import io.weir.systemtests.fault.check.History.Outcome;
import io.weir.systemtests.fault.check.History.Polled;
import io.weir.systemtests.fault.check.History.Seeked;
import io.weir.systemtests.fault.check.History.Send;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@link History} against Weir's promises. Pure: no I/O, no clock, the same answer for the
 * same history. Values are unique per send, so a value identifies its send.
 *
 * <ul>
 *   <li>every acknowledged record is in the final read, at its acknowledged partition and offset;
 *   <li>no value appears twice (idempotence; a failed or unknown send at most once);
 *   <li>per producer and partition, acknowledged offsets rise with the send order, and the log holds
 *       the producer's records in send order;
 *   <li>offsets are unique within a partition, acknowledged and read alike; nothing appears that
 *       was never sent;
 *   <li>when consumers ran, the group polled every acknowledged record (at least once);
 *   <li>within one assignment a consumer never polls a lower offset after a higher one in a
 *       partition unless it seeked; accepted commits of a partition never go backwards.
 * </ul>
 */
public final class HistoryChecker {
  private static final int MAX_LISTED = 20; // violations listed per kind; the counts stay exact

  private HistoryChecker() {}

  /** Where a value was found in the final read. */
  private record Found(String partition, long offset) {}

  public static CheckResult check(History history) {
    List<String> violations = new ArrayList<>();
    Map<String, Integer> listed = new HashMap<>();
    Map<String, Send> byValue = new HashMap<>();
    for (Send s : history.sends()) {
      if (byValue.putIfAbsent(s.value(), s) != null) {
        throw new IllegalArgumentException("The history sends value " + s.value() + " twice; values must be unique");
      }
    }

    Map<String, List<Found>> found = new HashMap<>();
    int duplicateOffsets = 0;
    int phantoms = 0;
    for (Map.Entry<String, List<LogEntry>> e : history.finalLog().entrySet()) {
      long previous = Long.MIN_VALUE;
      for (LogEntry entry : e.getValue()) {
        if (entry.offset() <= previous) {
          duplicateOffsets++;
          note(violations, listed, "offset", "partition " + e.getKey() + " reads offset " + entry.offset()
              + " after offset " + previous);
        }
        previous = entry.offset();
        if (!byValue.containsKey(entry.value())) {
          phantoms++;
          note(violations, listed, "phantom", "partition " + e.getKey() + " offset " + entry.offset()
              + " holds " + entry.value() + ", which no producer sent");
        }
        found.computeIfAbsent(entry.value(), v -> new ArrayList<>()).add(new Found(e.getKey(), entry.offset()));
      }
    }

    int sent = 0;
    int acknowledged = 0;
    int lost = 0;
    int duplicated = 0;
    int unknown = 0;
    int unknownPresent = 0;
    int contrastSent = 0;
    int contrastAcknowledged = 0;
    int contrastLost = 0;
    int contrastDuplicated = 0;
    Map<String, Send> ackedAt = new HashMap<>(); // partition@offset -> acked send
    for (Send s : history.sends()) {
      List<Found> copies = found.getOrDefault(s.value(), List.of());
      boolean acked = s.outcome() == Outcome.ACKED;
      boolean missing = acked && !copies.contains(new Found(s.partition(), s.offset()));
      int extra = Math.max(0, copies.size() - 1);
      if (!s.guaranteed()) {
        contrastSent++;
        contrastAcknowledged += acked ? 1 : 0;
        contrastLost += missing ? 1 : 0;
        contrastDuplicated += extra;
        continue;
      }
      sent++;
      if (acked) {
        acknowledged++;
        Send other = ackedAt.put(s.partition() + "@" + s.offset(), s);
        if (other != null) {
          duplicateOffsets++;
          note(violations, listed, "offset", "offset " + s.offset() + " of " + s.partition()
              + " was acknowledged for both " + other.value() + " and " + s.value());
        }
        if (missing) {
          lost++;
          note(violations, listed, "lost", "lost: " + s.value() + " acknowledged at " + s.partition() + "@"
              + s.offset() + (copies.isEmpty() ? " is not in the log" : " but found at " + copies));
        }
      } else {
        unknown++;
        unknownPresent += copies.isEmpty() ? 0 : 1;
      }
      if (extra > 0) {
        duplicated += extra;
        note(violations, listed, "duplicated", "duplicated: " + s.value() + " (" + s.outcome() + ") found at "
            + copies);
      }
    }

    int reordered = reorderedAcks(history.sends(), violations, listed)
        + reorderedLog(history.finalLog(), byValue, violations, listed);
    int[] consumer = checkConsumers(history.consumerEvents(), violations, listed);
    int unconsumed = unconsumed(history, violations, listed);
    return new CheckResult(sent, acknowledged, lost, duplicated, reordered, unknown, unknownPresent,
        duplicateOffsets, phantoms, unconsumed, consumer[0], consumer[1], consumer[2], consumer[3], contrastSent,
        contrastAcknowledged, contrastLost, contrastDuplicated, violations);
  }

  /** Per guaranteed producer and partition, acknowledged offsets must rise with the send order. */
  private static int reorderedAcks(List<Send> sends, List<String> violations, Map<String, Integer> listed) {
    Map<String, List<Send>> groups = new HashMap<>();
    for (Send s : sends) {
      if (s.guaranteed() && s.outcome() == Outcome.ACKED) {
        groups.computeIfAbsent(s.producer() + " " + s.partition(), k -> new ArrayList<>()).add(s);
      }
    }
    int reordered = 0;
    for (List<Send> group : groups.values()) {
      group.sort(Comparator.comparingLong(Send::seq));
      for (int i = 1; i < group.size(); i++) {
        if (group.get(i).offset() <= group.get(i - 1).offset()) {
          reordered++;
          note(violations, listed, "reordered", "reordered: " + group.get(i).value() + " acknowledged at offset "
              + group.get(i).offset() + " of " + group.get(i).partition() + ", not after " + group.get(i - 1).value()
              + " at " + group.get(i - 1).offset());
        }
      }
    }
    return reordered;
  }

  /** In the log, each guaranteed producer's records of one partition must appear in send order. */
  private static int reorderedLog(Map<String, List<LogEntry>> log, Map<String, Send> byValue, List<String> violations,
      Map<String, Integer> listed) {
    int reordered = 0;
    for (Map.Entry<String, List<LogEntry>> e : log.entrySet()) {
      Map<String, Send> lastOfProducer = new HashMap<>();
      for (LogEntry entry : e.getValue()) {
        Send s = byValue.get(entry.value());
        if (s == null || !s.guaranteed()) {
          continue;
        }
        Send last = lastOfProducer.put(s.producer(), s);
        if (last != null && last.seq() >= s.seq()) {
          reordered++;
          note(violations, listed, "reordered", "reordered: " + e.getKey() + " holds " + s.value() + " at offset "
              + entry.offset() + " after " + last.value());
        }
      }
    }
    return reordered;
  }

  private static int unconsumed(History history, List<String> violations, Map<String, Integer> listed) {
    Set<String> polled = new HashSet<>();
    for (ConsumerEvent e : history.consumerEvents()) {
      if (e instanceof Polled p) {
        polled.add(p.value());
      }
    }
    if (polled.isEmpty()) {
      return 0;
    }
    int unconsumed = 0;
    for (Send s : history.sends()) {
      if (s.guaranteed() && s.outcome() == Outcome.ACKED && !polled.contains(s.value())) {
        unconsumed++;
        note(violations, listed, "unconsumed", "unconsumed: " + s.value() + " acknowledged at " + s.partition() + "@"
            + s.offset() + " was never polled by the group");
      }
    }
    return unconsumed;
  }

  /** Returns {non-monotonic polls, commit regressions, polled records, commits}. */
  private static int[] checkConsumers(List<ConsumerEvent> events, List<String> violations,
      Map<String, Integer> listed) {
    Map<String, Long> lastPolled = new HashMap<>(); // consumer generation partition -> offset
    List<Committed> commits = new ArrayList<>();
    int nonMonotonic = 0;
    int polled = 0;
    for (ConsumerEvent event : events) {
      String key = event.consumer() + " " + event.generation() + " " + event.partition();
      if (event instanceof Seeked) {
        lastPolled.remove(key);
      } else if (event instanceof Polled p) {
        polled++;
        Long previous = lastPolled.put(key, p.offset());
        if (previous != null && p.offset() <= previous) {
          nonMonotonic++;
          note(violations, listed, "poll", "non-monotonic poll: " + p.consumer() + " in assignment " + p.generation()
              + " read " + p.partition() + "@" + p.offset() + " after offset " + previous);
        }
      } else if (event instanceof Committed c) {
        commits.add(c);
      }
    }
    commits.sort(Comparator.comparingLong(Committed::order));
    Map<String, Committed> lastCommit = new HashMap<>();
    int regressions = 0;
    for (Committed c : commits) {
      Committed previous = lastCommit.put(c.partition(), c);
      if (previous != null && c.offset() < previous.offset()) {
        regressions++;
        note(violations, listed, "commit", "committed offset of " + c.partition() + " went back from "
            + previous.offset() + " (" + previous.consumer() + ") to " + c.offset() + " (" + c.consumer() + ")");
      }
    }
    return new int[] {nonMonotonic, regressions, polled, commits.size()};
  }

  private static void note(List<String> violations, Map<String, Integer> listed, String kind, String line) {
    int n = listed.merge(kind, 1, Integer::sum);
    if (n <= MAX_LISTED) {
      violations.add(line);
    } else if (n == MAX_LISTED + 1) {
      violations.add("(further " + kind + " violations counted, not listed)");
    }
  }
}
