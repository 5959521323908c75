package io.weir.broker.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** gRPC statuses for failures outside any partition (per-partition failures are error codes). */
final class Statuses {
  private Statuses() {}

  static StatusRuntimeException internal(Throwable t) {
    return Status.INTERNAL.withDescription(String.valueOf(t.getMessage())).withCause(t).asRuntimeException();
  }
}
