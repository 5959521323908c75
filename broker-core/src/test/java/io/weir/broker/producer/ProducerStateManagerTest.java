package io.weir.broker.producer;

import static io.weir.broker.TestRecords.idempotentBatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weir.broker.ApiException;
import io.weir.common.record.MemoryRecords;
import io.weir.proto.v1.ErrorCode;
import io.weir.storage.log.Log;
import io.weir.storage.log.LogAppendInfo;
import io.weir.storage.log.LogConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStateManagerTest {
  @TempDir Path dir;
  private Log log;
  private final ProducerStateManager state = new ProducerStateManager();

  @BeforeEach
  void open() {
    log = Log.open(dir.resolve("t-0"), LogConfig.defaults(), System::currentTimeMillis);
  }

  @AfterEach
  void close() {
    log.close();
  }

  private LogAppendInfo append(MemoryRecords records) {
    assertNull(state.checkAppend(records).duplicate());
    LogAppendInfo info = log.appendAsLeader(records, 0);
    state.update(records);
    return info;
  }

  @Test
  void duplicateReturnsTheOriginalOffsets() {
    append(idempotentBatch(7, (short) 0, 0, "a", "b"));
    LogAppendInfo second = append(idempotentBatch(7, (short) 0, 2, "c"));
    BatchMetadata dup = state.checkAppend(idempotentBatch(7, (short) 0, 2, "c")).duplicate();
    assertEquals(second.firstOffset(), dup.firstOffset());
    assertEquals(2, dup.firstSeq());
  }

  @Test
  void gapIsOutOfOrder() {
    append(idempotentBatch(7, (short) 0, 0, "a"));
    ApiException e =
        assertThrows(ApiException.class, () -> state.checkAppend(idempotentBatch(7, (short) 0, 2, "c")));
    assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, e.error());
  }

  @Test
  void olderEpochIsFencedAndNewEpochMustStartAtZero() {
    append(idempotentBatch(7, (short) 3, 0, "a"));
    assertEquals(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        assertThrows(ApiException.class, () -> state.checkAppend(idempotentBatch(7, (short) 2, 1, "b"))).error());
    assertEquals(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        assertThrows(ApiException.class, () -> state.checkAppend(idempotentBatch(7, (short) 4, 5, "b"))).error());
    append(idempotentBatch(7, (short) 4, 0, "b"));
  }

  @Test
  void onlyTheLastFiveBatchesAreRemembered() {
    for (int seq = 0; seq < 6; seq++) {
      append(idempotentBatch(9, (short) 0, seq, "v" + seq));
    }
    // Batch 0 fell out of the window: a retry of it is now a sequence error, not a duplicate.
    assertEquals(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        assertThrows(ApiException.class, () -> state.checkAppend(idempotentBatch(9, (short) 0, 0, "v0"))).error());
    assertEquals(1, state.checkAppend(idempotentBatch(9, (short) 0, 1, "v1")).duplicate().firstSeq());
  }

  @Test
  void batchesOfOneRequestAreCheckedInOrder() {
    append(idempotentBatch(7, (short) 0, 0, "a"));
    MemoryRecords two = concat(idempotentBatch(7, (short) 0, 1, "b"), idempotentBatch(7, (short) 0, 2, "c"));
    assertNull(state.checkAppend(two).duplicate());
    MemoryRecords gap = concat(idempotentBatch(7, (short) 0, 1, "b"), idempotentBatch(7, (short) 0, 3, "d"));
    assertThrows(ApiException.class, () -> state.checkAppend(gap));
  }

  @Test
  void rebuiltFromTheLogAfterRestart() {
    append(idempotentBatch(7, (short) 0, 0, "a"));
    LogAppendInfo last = append(idempotentBatch(7, (short) 0, 1, "b"));
    append(idempotentBatch(8, (short) 2, 0, "x"));
    log.close();
    log = Log.open(dir.resolve("t-0"), LogConfig.defaults(), System::currentTimeMillis);
    ProducerStateManager rebuilt = new ProducerStateManager();
    rebuilt.rebuild(log);
    assertEquals(2, rebuilt.producerCount());
    assertEquals(last.firstOffset(), rebuilt.checkAppend(idempotentBatch(7, (short) 0, 1, "b")).duplicate().firstOffset());
    assertNull(rebuilt.checkAppend(idempotentBatch(7, (short) 0, 2, "c")).duplicate());
    assertThrows(ApiException.class, () -> rebuilt.checkAppend(idempotentBatch(8, (short) 2, 5, "y")));
  }

  @Test
  void snapshotKeepsProducersWhoseBatchesRetentionRemoved() {
    LogAppendInfo first = append(idempotentBatch(7, (short) 0, 0, "a"));
    state.takeSnapshot(log);
    append(idempotentBatch(8, (short) 0, 0, "b"));
    // The log now starts after producer 7's only batch: only the snapshot remembers it.
    log.maybeIncrementLogStartOffset(1);
    ProducerStateManager rebuilt = new ProducerStateManager();
    rebuilt.rebuild(log);
    assertEquals(first.firstOffset(), rebuilt.checkAppend(idempotentBatch(7, (short) 0, 0, "a")).duplicate().firstOffset());
    assertEquals(1, rebuilt.checkAppend(idempotentBatch(8, (short) 0, 0, "b")).duplicate().firstOffset());
  }

  @Test
  void corruptOrTruncatedAwaySnapshotsAreNotUsed() throws Exception {
    append(idempotentBatch(7, (short) 0, 0, "a"));
    state.takeSnapshot(log);
    append(idempotentBatch(7, (short) 0, 1, "b"));
    state.takeSnapshot(log);
    Path newest = ProducerStateSnapshot.file(log.dir(), 2);
    byte[] bytes = java.nio.file.Files.readAllBytes(newest);
    bytes[10] ^= 1;
    java.nio.file.Files.write(newest, bytes);
    ProducerStateManager rebuilt = new ProducerStateManager();
    rebuilt.rebuild(log);
    assertEquals(1, rebuilt.checkAppend(idempotentBatch(7, (short) 0, 1, "b")).duplicate().firstOffset());
    // Truncating below a snapshot deletes it: the state must not remember the removed batch.
    log.truncateTo(1);
    rebuilt.rebuild(log);
    assertEquals(false, java.nio.file.Files.exists(newest));
    assertNull(rebuilt.checkAppend(idempotentBatch(7, (short) 0, 1, "b")).duplicate());
  }

  private static MemoryRecords concat(MemoryRecords a, MemoryRecords b) {
    ByteBuffer out = ByteBuffer.allocate(a.sizeInBytes() + b.sizeInBytes());
    out.put(a.buffer()).put(b.buffer()).flip();
    return MemoryRecords.readableRecords(out);
  }
}
