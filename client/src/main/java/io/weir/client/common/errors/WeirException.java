package io.weir.client.common.errors;

/** The root of the client's unchecked exceptions (Kafka's {@code KafkaException}). */
public class WeirException extends RuntimeException {
  public WeirException(String message) {
    super(message);
  }

  public WeirException(String message, Throwable cause) {
    super(message, cause);
  }
}
