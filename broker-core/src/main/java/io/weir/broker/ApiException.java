package io.weir.broker;

import io.weir.common.record.CorruptRecordException;
import io.weir.proto.v1.ErrorCode;
import io.weir.storage.log.LogStorageException;
import io.weir.storage.log.OffsetOutOfRangeException;

/** A request failed with a Kafka error code the client acts on; the message says why. */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode error;

  public ApiException(ErrorCode error, String message) {
    super(message);
    this.error = error;
  }

  public ErrorCode error() {
    return error;
  }

  /** The error code a client gets for {@code t}: what lets one bad partition fail alone. */
  public static ErrorCode codeFor(Throwable t) {
    if (t instanceof ApiException api) {
      return api.error;
    } else if (t instanceof CorruptRecordException) {
      return ErrorCode.CORRUPT_MESSAGE;
    } else if (t instanceof OffsetOutOfRangeException) {
      return ErrorCode.OFFSET_OUT_OF_RANGE;
    } else if (t instanceof LogStorageException) {
      return ErrorCode.KAFKA_STORAGE_ERROR;
    } else if (t instanceof IllegalArgumentException) {
      return ErrorCode.INVALID_REQUEST;
    }
    return ErrorCode.UNKNOWN_SERVER_ERROR;
  }

  public static String messageFor(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
