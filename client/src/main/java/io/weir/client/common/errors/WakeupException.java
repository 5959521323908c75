package io.weir.client.common.errors;

/** Thrown by a blocking consumer call after another thread called {@code wakeup()}. */
public class WakeupException extends WeirException {
  public WakeupException() {
    super("the consumer was woken up");
  }
}
