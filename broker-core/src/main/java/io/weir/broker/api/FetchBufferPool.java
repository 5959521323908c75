package io.weir.broker.api;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Reusable heap buffers for the log bytes of large fetch answers. A fetch of 1 MiB (Kafka's
 * {@code max.partition.fetch.bytes}) read into a fresh array is a humongous allocation in G1 with a
 * 1 GiB heap: measured on one broker, it made up a third of the time a 1 MiB fetch spent on the
 * broker (0.63 against 0.39 ms). A buffer goes back to the pool once its answer has been written to
 * the transport, which copies it.
 *
 * <p>Answers below {@link #MIN_POOLED} are allocated as usual: the young generation handles them
 * well. The pool keeps at most {@code maxPooledBytes} of idle buffers; buffers in use are bounded
 * by the requests a broker holds ({@code queued.max.requests}). Thread-safe (one lock).
 */
final class FetchBufferPool {
  static final int MIN_POOLED = 256 << 10;
  /** Pooled buffers are sized in these steps, so that answers of similar size reuse them. */
  private static final int STEP = 256 << 10;

  private final long maxPooledBytes;
  private final ArrayDeque<ByteBuffer> idle = new ArrayDeque<>(); // guarded by this
  private long idleBytes; // guarded by this

  FetchBufferPool(long maxPooledBytes) {
    this.maxPooledBytes = maxPooledBytes;
  }

  /** A buffer with {@code size} bytes of room, position 0, limit {@code size}. */
  ByteBuffer acquire(int size) {
    if (size < MIN_POOLED) {
      return ByteBuffer.allocate(size);
    }
    synchronized (this) {
      for (Iterator<ByteBuffer> it = idle.iterator(); it.hasNext(); ) {
        ByteBuffer b = it.next();
        if (b.capacity() >= size) {
          it.remove();
          idleBytes -= b.capacity();
          return b.clear().limit(size);
        }
      }
    }
    int capacity = (int) Math.min(Integer.MAX_VALUE - 8, ((long) size + STEP - 1) / STEP * STEP);
    return ByteBuffer.allocate(capacity).limit(size);
  }

  /** Returns a buffer from {@link #acquire}; the caller must not touch it afterwards. */
  void release(ByteBuffer buffer) {
    if (buffer.capacity() < MIN_POOLED) {
      return;
    }
    synchronized (this) {
      if (idleBytes + buffer.capacity() <= maxPooledBytes) {
        idle.push(buffer);
        idleBytes += buffer.capacity();
      }
    }
  }

  synchronized long idleBytes() {
    return idleBytes;
  }
}
