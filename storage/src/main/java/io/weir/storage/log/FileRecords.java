package io.weir.storage.log;

import io.weir.common.record.MemoryRecords;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * An immutable slice {@code [position, position + sizeInBytes)} of a segment's log file holding
 * whole record batches: what {@link Log#read} returns. Sending it copies the bytes at most once,
 * either into the caller's buffer ({@link #readInto}) or kernel to socket ({@link #writeTo}).
 *
 * <p>The slice reads through the segment's open channel. If the segment is deleted (retention) or
 * truncated before the slice is consumed, reading fails with an IOException or returns fewer
 * bytes; the caller treats that as a failed fetch and retries, as a Kafka fetch racing retention
 * does.
 */
public final class FileRecords {
  public static final FileRecords EMPTY = new FileRecords(null, 0, 0);

  private final FileChannel channel;
  private final long position;
  private final int sizeInBytes;

  FileRecords(FileChannel channel, long position, int sizeInBytes) {
    this.channel = channel;
    this.position = position;
    this.sizeInBytes = sizeInBytes;
  }

  public int sizeInBytes() {
    return sizeInBytes;
  }

  /** Byte position of the slice in its segment file. */
  public long position() {
    return position;
  }

  /**
   * Reads the whole slice into {@code dst} (which needs {@link #sizeInBytes()} bytes of room).
   *
   * @throws EOFException if the file was truncated under the slice
   */
  public void readInto(ByteBuffer dst) throws IOException {
    if (dst.remaining() < sizeInBytes) {
      throw new IllegalArgumentException(
          "buffer has " + dst.remaining() + " bytes of room, slice needs " + sizeInBytes);
    }
    long at = position;
    long end = position + sizeInBytes;
    while (at < end) {
      ByteBuffer window = dst.slice().limit((int) (end - at));
      int n = channel.read(window, at);
      if (n < 0) {
        throw new EOFException(
            "log file ended at byte " + at + " inside a slice ending at byte " + end);
      }
      dst.position(dst.position() + n);
      at += n;
    }
  }

  /** The slice read once into a new heap buffer, as batches. */
  public MemoryRecords toMemoryRecords() throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(sizeInBytes);
    if (sizeInBytes > 0) {
      readInto(buffer);
    }
    return MemoryRecords.readableRecords(buffer.flip());
  }

  /** Sends the slice with {@link FileChannel#transferTo} (no copy through the JVM heap). */
  public long writeTo(WritableByteChannel target) throws IOException {
    long at = position;
    long end = position + sizeInBytes;
    while (at < end) {
      long n = channel.transferTo(at, end - at, target);
      if (n <= 0) {
        throw new EOFException("log file ended at byte " + at + " inside a slice ending at " + end);
      }
      at += n;
    }
    return sizeInBytes;
  }

  @Override
  public String toString() {
    return "FileRecords(position=" + position + ", size=" + sizeInBytes + ")";
  }
}
