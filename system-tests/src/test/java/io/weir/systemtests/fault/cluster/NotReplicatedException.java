package io.weir.systemtests.fault.cluster;

/** The cluster did not return to a leader and a full ISR for every partition in time: a liveness failure. */
public final class NotReplicatedException extends IllegalStateException {
  public NotReplicatedException(String message, Throwable cause) {
    super(message, cause);
  }
}
