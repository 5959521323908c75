package io.weir.client.common.errors;

/** A key or value could not be (de)serialized. */
public class SerializationException extends WeirException {
  public SerializationException(String message) {
    super(message);
  }

  public SerializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
