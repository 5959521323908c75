package io.weir.common.record;

/**
 * Bytes that do not form a valid record batch: bad magic, CRC mismatch, impossible lengths. The
 * message names the field that is wrong and, where known, the offset of the batch.
 */
public class CorruptRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorruptRecordException(String message) {
    super(message);
  }

  public CorruptRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
