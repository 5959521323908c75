package io.weir.systemtests.fault.check;

import java.util.List;

/**
 * What {@link HistoryChecker} found. Counts are over the guaranteed (acks=all, idempotent) producers;
 * the {@code contrast*} counts are the acks=1 producers', reported but never a violation.
 *
 * @param lost acknowledged records missing from the final read, or found at another offset
 * @param duplicated records found more than once (each extra copy counts)
 * @param reordered records of one producer in one partition out of send order (in the acks or in
 *     the log)
 * @param unknown records whose send failed or never completed (allowed once or not at all)
 * @param unknownPresent of those, the ones found in the final read
 * @param unconsumed acknowledged records no group consumer polled (counted only when the history
 *     has polls: the run stops its consumers once the group committed up to the end)
 * @param violations one line per broken promise, empty when the run kept every one
 */
public record CheckResult(
    int sent,
    int acknowledged,
    int lost,
    int duplicated,
    int reordered,
    int unknown,
    int unknownPresent,
    int duplicateOffsets,
    int phantoms,
    int unconsumed,
    int nonMonotonicPolls,
    int commitRegressions,
    int polled,
    int commits,
    int contrastSent,
    int contrastAcknowledged,
    int contrastLost,
    int contrastDuplicated,
    List<String> violations) {
  public CheckResult {
    violations = List.copyOf(violations);
  }

  public boolean ok() {
    return violations.isEmpty();
  }
}
