package io.weir.storage.log;

import java.nio.file.Path;

/**
 * An I/O failure of one partition's log (disk full, file gone, permission). The log that raised it
 * is offline from then on: every later call fails fast with this error, while other partitions'
 * logs carry on. Kafka's KafkaStorageException.
 */
public class LogStorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LogStorageException(Path dir, String operation, Throwable cause) {
    super("log " + dir + " failed during " + operation + ": " + cause, cause);
  }

  LogStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
