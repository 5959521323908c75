package io.weir.storage.log;

import java.nio.file.Path;

/** A checkpoint file that is not in the expected layout; the message names the file and the flaw. */
public class CorruptCheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorruptCheckpointException(Path file, String what) {
    super("checkpoint " + file + " " + what);
  }
}
