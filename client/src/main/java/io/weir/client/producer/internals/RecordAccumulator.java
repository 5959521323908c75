package io.weir.client.producer.internals;

import io.weir.client.common.Node;
import io.weir.client.common.errors.ApiException;
import io.weir.client.common.errors.InterruptException;
import io.weir.client.common.errors.TimeoutException;
import io.weir.client.common.network.Cluster;
import io.weir.client.producer.Callback;
import io.weir.client.producer.RecordMetadata;
import io.weir.common.TopicPartition;
import io.weir.common.record.CompressionType;
import io.weir.common.record.Header;
import io.weir.common.record.MemoryRecordsBuilder;
import io.weir.common.record.RecordBatch;
import io.weir.common.record.TimestampType;
import io.weir.proto.v1.ErrorCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;

/**
 * Per-partition queues of batches waiting to be sent (Kafka's {@code RecordAccumulator}). Application
 * threads append; the sender thread asks which leaders have sendable batches and drains them.
 * {@code buffer.memory} bounds the bytes reserved by unfinished batches and by the free buffers kept
 * for reuse: an append that needs a new batch blocks up to {@code max.block.ms} for memory.
 *
 * <p>As Kafka's {@code BufferPool}, the buffers of batches of {@code batch.size} are reused once the
 * sender says nothing can read them again. A new buffer per batch would be zeroed and, while a full
 * {@code buffer.memory} of batches waits for the broker, copied by every young collection.
 *
 * <p>Everything mutable is guarded by {@link #lock}.
 */
public final class RecordAccumulator {
  /**
   * The outcome of an append: the record's future, and whether the sender should look now: this
   * record filled its batch, or opened a new one (so the one before it is complete). Appends to a
   * partition with older batches still queued do not say so again: the sender heard when those
   * filled, and waking it for each such record (while it waits for answers to send more) would cost
   * a futex wake and a context switch per record.
   */
  public record AppendResult(CompletableFuture<RecordMetadata> future, boolean batchFull, boolean newBatch) {}

  /** Leaders with sendable batches, the delay until the next may become sendable, and topics with no leader. */
  public record ReadyCheck(Set<Integer> readyNodes, long nextReadyCheckDelayMs, Set<String> unknownLeaderTopics) {}

  private final int batchSize;
  private final long lingerMs;
  private final long totalMemory;
  private final CompressionType compression;
  private final long deliveryTimeoutMs;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition memoryFreed = lock.newCondition();
  private final Map<TopicPartition, Deque<ProducerBatch>> batches = new LinkedHashMap<>(); // lock
  private final Set<ProducerBatch> incomplete = new HashSet<>(); // lock: appended to and not yet completed
  private final Deque<byte[]> freeBuffers = new ArrayDeque<>(); // lock: buffers for batches of batch.size
  private final int pooledBufferBytes;
  private long usedMemory; // lock: reserved by incomplete batches
  private int flushesInProgress; // lock
  private boolean closed; // lock

  public RecordAccumulator(int batchSize, long lingerMs, long totalMemory, CompressionType compression, long deliveryTimeoutMs) {
    this.batchSize = batchSize;
    this.lingerMs = lingerMs;
    this.totalMemory = totalMemory;
    this.compression = compression;
    this.deliveryTimeoutMs = deliveryTimeoutMs;
    this.pooledBufferBytes = MemoryRecordsBuilder.initialCapacity(batchSize);
  }

  /**
   * Appends to the partition's last batch, or to a new one once memory allows.
   *
   * @throws TimeoutException when memory stays short until {@code deadlineMs}
   */
  public AppendResult append(
      TopicPartition tp, long timestamp, byte[] key, byte[] value, List<Header> headers, Callback callback, long deadlineMs, long maxBlockMs) {
    lock.lock();
    try {
      ensureOpen();
      Deque<ProducerBatch> dq = batches.computeIfAbsent(tp, k -> new ArrayDeque<>());
      ProducerBatch last = dq.peekLast();
      if (last != null) {
        CompletableFuture<RecordMetadata> f = last.tryAppend(timestamp, key, value, headers, callback);
        if (f != null) {
          return new AppendResult(f, last.isFull(), false);
        }
      }
      int size = Math.max(batchSize, RecordBatch.HEADER_SIZE + recordSizeUpperBound(key, value, headers));
      if (size > totalMemory) {
        throw new ApiException(ErrorCode.MESSAGE_TOO_LARGE,
            "The message is " + size + " bytes when serialized which is larger than the total memory buffer you have configured with the buffer.memory configuration.");
      }
      while (!tryReserve(size)) {
        long remaining = deadlineMs - System.currentTimeMillis();
        if (remaining <= 0) {
          throw new TimeoutException("Failed to allocate memory within the configured max blocking time " + maxBlockMs + " ms.");
        }
        try {
          memoryFreed.await(remaining, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          throw new InterruptException(e);
        }
        ensureOpen();
        // Another thread may have opened a batch for this partition while this one waited.
        last = dq.peekLast();
        if (last != null) {
          CompletableFuture<RecordMetadata> f = last.tryAppend(timestamp, key, value, headers, callback);
          if (f != null) {
            return new AppendResult(f, last.isFull(), false);
          }
        }
      }
      byte[] buffer = size != batchSize ? null : freeBuffers.isEmpty() ? new byte[pooledBufferBytes] : freeBuffers.pop();
      ProducerBatch batch = new ProducerBatch(
          tp, new MemoryRecordsBuilder(compression, TimestampType.CREATE_TIME, 0, batchSize, buffer), buffer, System.currentTimeMillis(), size);
      CompletableFuture<RecordMetadata> f = batch.tryAppend(timestamp, key, value, headers, callback);
      dq.addLast(batch);
      incomplete.add(batch);
      return new AppendResult(f, batch.isFull(), true);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reserves {@code size} bytes for a new batch, or says they are not there. A batch of {@code
   * batch.size} takes over a free buffer's memory; any other size first makes free buffers give
   * theirs back.
   */
  private boolean tryReserve(int size) {
    if (size == batchSize && !freeBuffers.isEmpty()) {
      usedMemory += size; // held by a free buffer until now: append pops that buffer next, under the same lock
      return true;
    }
    while (!freeBuffers.isEmpty() && usedMemory + freeMemoryHeld() + size > totalMemory) {
      freeBuffers.pop();
    }
    if (usedMemory + freeMemoryHeld() + size > totalMemory) {
      return false;
    }
    usedMemory += size;
    return true;
  }

  private long freeMemoryHeld() {
    return (long) freeBuffers.size() * batchSize;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Producer closed while send in progress");
    }
  }

  /** An upper bound on one record's encoded size (varint fields at their widest). */
  public static int recordSizeUpperBound(byte[] key, byte[] value, List<Header> headers) {
    int size = 21 + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    for (Header h : headers) {
      size += 10 + h.key().length() * 3 + (h.value() == null ? 0 : h.value().length);
    }
    return size;
  }

  /** Which leaders have a batch that is full, lingered long enough, or is wanted by flush/close. */
  public ReadyCheck ready(Cluster cluster, long nowMs) {
    lock.lock();
    try {
      Set<Integer> nodes = new HashSet<>();
      Set<String> unknown = new HashSet<>();
      long next = Long.MAX_VALUE;
      boolean urgent = flushesInProgress > 0 || closed;
      for (Map.Entry<TopicPartition, Deque<ProducerBatch>> e : batches.entrySet()) {
        ProducerBatch head = e.getValue().peekFirst();
        if (head == null) {
          continue;
        }
        Node leader = cluster.leaderFor(e.getKey()).orElse(null);
        if (leader == null) {
          unknown.add(e.getKey().topic());
          continue;
        }
        long waited = nowMs - head.createdMs;
        if (urgent || e.getValue().size() > 1 || head.isFull() || waited >= lingerMs) {
          nodes.add(leader.id());
        } else {
          next = Math.min(next, lingerMs - waited);
        }
      }
      return new ReadyCheck(nodes, next, unknown);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes, per partition led by {@code nodeId}, up to {@code mayDrain} batches from the head of its
   * queue (0 holds a partition back while its ordering needs it to wait), while the request stays
   * under {@code maxRequestSize}.
   */
  public List<ProducerBatch> drain(Cluster cluster, int nodeId, int maxRequestSize, ToIntFunction<TopicPartition> mayDrain) {
    lock.lock();
    try {
      List<ProducerBatch> out = new ArrayList<>();
      int size = 0;
      for (Map.Entry<TopicPartition, Deque<ProducerBatch>> e : batches.entrySet()) {
        Deque<ProducerBatch> dq = e.getValue();
        if (dq.isEmpty()) {
          continue;
        }
        int allowed = mayDrain.applyAsInt(e.getKey());
        if (allowed <= 0) {
          continue;
        }
        Node leader = cluster.leaderFor(e.getKey()).orElse(null);
        if (leader == null || leader.id() != nodeId) {
          continue;
        }
        // Several batches of one partition travel in one request (one gRPC call costs far more CPU
        // than a batch); beyond the head, only batches no longer open for appends.
        for (int taken = 0; taken < allowed && !dq.isEmpty(); taken++) {
          ProducerBatch head = dq.peekFirst();
          if (taken > 0 && dq.size() == 1) {
            break;
          }
          int batchBytes = head.estimatedSizeInBytes();
          if (!out.isEmpty() && size + batchBytes > maxRequestSize) {
            return out;
          }
          out.add(dq.pollFirst());
          size += batchBytes;
        }
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Removes and returns batches that waited longer than {@code delivery.timeout.ms} unsent. */
  public List<ProducerBatch> expiredBatches(long nowMs) {
    lock.lock();
    try {
      List<ProducerBatch> out = new ArrayList<>();
      for (Deque<ProducerBatch> dq : batches.values()) {
        Iterator<ProducerBatch> it = dq.iterator();
        while (it.hasNext()) {
          ProducerBatch b = it.next();
          if (nowMs - b.createdMs < deliveryTimeoutMs) {
            break;
          }
          it.remove();
          out.add(b);
        }
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Every batch still queued, removed (for a forced close). */
  public List<ProducerBatch> drainAll() {
    lock.lock();
    try {
      List<ProducerBatch> out = new ArrayList<>();
      batches.values().forEach(out::addAll);
      batches.clear();
      return out;
    } finally {
      lock.unlock();
    }
  }

  public boolean hasUndrained() {
    lock.lock();
    try {
      for (Deque<ProducerBatch> dq : batches.values()) {
        if (!dq.isEmpty()) {
          return true;
        }
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns a completed batch's memory and wakes blocked appends. With {@code bufferReusable} the
   * caller vouches that nothing will read the batch's bytes again (the sender: its one request was
   * answered, so gRPC has long serialized it), and its buffer serves a later batch.
   */
  public void deallocate(ProducerBatch batch, boolean bufferReusable) {
    lock.lock();
    try {
      if (incomplete.remove(batch)) {
        usedMemory -= batch.reservedBytes;
        if (bufferReusable && batch.pooledBuffer != null && !closed) {
          freeBuffers.push(batch.pooledBuffer);
        }
        memoryFreed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Makes every queued batch sendable until {@link #endFlush}; returns the batches to wait for. */
  public Collection<ProducerBatch> beginFlush() {
    lock.lock();
    try {
      flushesInProgress++;
      return new ArrayList<>(incomplete);
    } finally {
      lock.unlock();
    }
  }

  public void endFlush() {
    lock.lock();
    try {
      flushesInProgress--;
    } finally {
      lock.unlock();
    }
  }

  /** From now on every queued batch is sendable at once and appends are refused. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      memoryFreed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Buffers kept for reuse. */
  public int freeBuffers() {
    lock.lock();
    try {
      return freeBuffers.size();
    } finally {
      lock.unlock();
    }
  }

  public long usedMemory() {
    lock.lock();
    try {
      return usedMemory;
    } finally {
      lock.unlock();
    }
  }
}
