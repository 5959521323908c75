package io.weir.client.common.errors;

/** A blocking call or a record's delivery ran out of its configured time. */
public class TimeoutException extends WeirException {
  public TimeoutException(String message) {
    super(message);
  }

  public TimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
