package io.weir.client.common.errors;

import io.weir.proto.v1.ErrorCode;
import java.util.EnumSet;
import java.util.Set;

/** An error a broker answered with: its Kafka-numbered code and message. */
public class ApiException extends WeirException {
  private static final Set<ErrorCode> RETRIABLE =
      EnumSet.of(
          ErrorCode.NOT_LEADER_OR_FOLLOWER,
          ErrorCode.LEADER_NOT_AVAILABLE,
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          ErrorCode.NOT_ENOUGH_REPLICAS,
          ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
          ErrorCode.REQUEST_TIMED_OUT,
          ErrorCode.NETWORK_EXCEPTION,
          ErrorCode.CORRUPT_MESSAGE,
          ErrorCode.KAFKA_STORAGE_ERROR,
          ErrorCode.FENCED_LEADER_EPOCH,
          ErrorCode.UNKNOWN_LEADER_EPOCH,
          ErrorCode.OFFSET_NOT_AVAILABLE,
          ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
          ErrorCode.COORDINATOR_NOT_AVAILABLE,
          ErrorCode.NOT_COORDINATOR);

  /** Codes after which the client's view of leaders is stale. */
  private static final Set<ErrorCode> STALE_METADATA =
      EnumSet.of(
          ErrorCode.NOT_LEADER_OR_FOLLOWER,
          ErrorCode.LEADER_NOT_AVAILABLE,
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          ErrorCode.FENCED_LEADER_EPOCH,
          ErrorCode.UNKNOWN_LEADER_EPOCH,
          ErrorCode.KAFKA_STORAGE_ERROR,
          ErrorCode.NETWORK_EXCEPTION);

  private final ErrorCode code;

  public ApiException(ErrorCode code, String message) {
    super(code + (message == null || message.isEmpty() ? "" : ": " + message));
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public boolean isRetriable() {
    return isRetriable(code);
  }

  public static boolean isRetriable(ErrorCode code) {
    return RETRIABLE.contains(code);
  }

  public static boolean invalidatesMetadata(ErrorCode code) {
    return STALE_METADATA.contains(code);
  }
}
