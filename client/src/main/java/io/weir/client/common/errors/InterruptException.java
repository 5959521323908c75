package io.weir.client.common.errors;

/** A blocking call was interrupted; the thread's interrupt flag is set again. */
public class InterruptException extends WeirException {
  public InterruptException(InterruptedException cause) {
    super("interrupted", cause);
    Thread.currentThread().interrupt();
  }
}
