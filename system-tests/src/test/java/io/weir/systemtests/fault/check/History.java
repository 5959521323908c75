package io.weir.systemtests.fault.check;

import java.util.List;
import java.util.Map;

/**
 * Everything one run observed: each send with its outcome, each consumer event in the order its
 * consumer saw it, and the final read of every partition from its log start.
 */
public record History(List<Send> sends, List<ConsumerEvent> consumerEvents, Map<String, List<LogEntry>> finalLog) {
  public History {
    sends = List.copyOf(sends);
    consumerEvents = List.copyOf(consumerEvents);
    finalLog = Map.copyOf(finalLog);
  }

  /** What the producer was told about one record. */
  public enum Outcome {
    /** Acknowledged with a partition and offset. */
    ACKED,
    /** Failed with an error after which the record may or may not have been written. */
    FAILED,
    /** Never completed before the producer closed. */
    UNKNOWN
  }

  /**
   * One record sent. {@code guaranteed} marks producers that promise durability, exactly-once and
   * order (acks=all, idempotent); the others (acks=1) are checked only for contrast.
   *
   * @param partition the acknowledged partition key ({@code topic-partition}), null unless acked
   * @param offset the acknowledged offset, -1 unless acked
   */
  public record Send(String producer, boolean guaranteed, long seq, String value, Outcome outcome, String partition,
      long offset, String error) {
    public static Send acked(String producer, boolean guaranteed, long seq, String value, String partition,
        long offset) {
      return new Send(producer, guaranteed, seq, value, Outcome.ACKED, partition, offset, null);
    }

    public static Send notAcked(String producer, boolean guaranteed, long seq, String value, Outcome outcome,
        String error) {
      return new Send(producer, guaranteed, seq, value, outcome, null, -1, error);
    }
  }

  /** A record found in the final read of one partition. */
  public record LogEntry(long offset, String value) {}

  /** What a group consumer did, in its own order; {@code generation} counts its assignments. */
  public sealed interface ConsumerEvent permits Polled, Seeked, Committed {
    String consumer();

    int generation();

    String partition();
  }

  /** A record returned by poll. */
  public record Polled(String consumer, int generation, String partition, long offset, String value)
      implements ConsumerEvent {}

  /** The consumer moved its position explicitly (a later lower offset is then no violation). */
  public record Seeked(String consumer, int generation, String partition, long offset) implements ConsumerEvent {}

  /**
   * A commit the coordinator accepted; {@code order} is the position among every accepted commit of
   * the run (taken after the commit returned, so commits of one partition are in causal order).
   */
  public record Committed(String consumer, int generation, String partition, long offset, long order)
      implements ConsumerEvent {}
}
