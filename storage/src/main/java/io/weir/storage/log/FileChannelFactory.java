package io.weir.storage.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens a segment's log file for reading and writing. Exists so tests can hand the log a channel
 * that fails like a full or broken disk; production uses {@link #DEFAULT}.
 */
@FunctionalInterface
public interface FileChannelFactory {
  FileChannelFactory DEFAULT =
      path ->
          FileChannel.open(
              path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);

  FileChannel open(Path path) throws IOException;
}
