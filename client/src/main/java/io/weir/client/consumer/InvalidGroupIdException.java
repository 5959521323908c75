package io.weir.client.consumer;

import io.weir.client.common.errors.WeirException;

/** A group operation on a consumer without {@code group.id}. */
public class InvalidGroupIdException extends WeirException {
  private static final long serialVersionUID = 1L;

  public InvalidGroupIdException(String message) {
    super(message);
  }
}
