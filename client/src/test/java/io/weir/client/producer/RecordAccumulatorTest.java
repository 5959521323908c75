package io.weir.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.client.common.Node;
import io.weir.client.common.PartitionInfo;
import io.weir.client.common.errors.TimeoutException;
import io.weir.client.common.network.Cluster;
import io.weir.client.producer.internals.ProducerBatch;
import io.weir.client.producer.internals.RecordAccumulator;
import io.weir.common.TopicPartition;
import io.weir.common.record.CompressionType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class RecordAccumulatorTest {
  private static final TopicPartition TP0 = new TopicPartition("t", 0);
  private static final TopicPartition TP1 = new TopicPartition("t", 1);
  private static final Cluster CLUSTER = new Cluster("c", 1,
      Map.of(1, new Node(1, "127.0.0.1", 1, Optional.empty()), 2, new Node(2, "127.0.0.1", 2, Optional.empty())),
      Map.of("t", List.of(
          new PartitionInfo("t", 0, 1, 0, List.of(1), List.of(1), List.of()),
          new PartitionInfo("t", 1, 2, 0, List.of(2), List.of(2), List.of()))),
      Map.of(), Map.of());

  private static RecordAccumulator.AppendResult append(RecordAccumulator acc, TopicPartition tp, int valueBytes, long maxBlockMs) {
    return acc.append(tp, System.currentTimeMillis(), null, new byte[valueBytes], List.of(), null,
        System.currentTimeMillis() + maxBlockMs, maxBlockMs);
  }

  @Test
  void aBatchIsReadyOnceLingerPassesNotBefore() {
    long linger = 300;
    RecordAccumulator acc = new RecordAccumulator(16_384, linger, 1 << 20, CompressionType.NONE, 120_000);
    long start = System.currentTimeMillis();
    append(acc, TP0, 10, 1000);
    RecordAccumulator.ReadyCheck early = acc.ready(CLUSTER, start);
    assertTrue(early.readyNodes().isEmpty());
    assertTrue(early.nextReadyCheckDelayMs() > 0 && early.nextReadyCheckDelayMs() <= linger);
    assertEquals(java.util.Set.of(1), acc.ready(CLUSTER, start + linger + 50).readyNodes());
  }

  /** Drains node 1's first batch and completes it, its buffer given back for reuse or not. */
  private static void completeFirstBatchOfNode1(RecordAccumulator acc, boolean bufferReusable) {
    acc.deallocate(acc.drain(CLUSTER, 1, 1 << 20, tp -> 1).get(0), bufferReusable);
  }

  /** batch.size 1000 and buffer.memory 2000, after one batch of TP0 was sent and completed. */
  private static RecordAccumulator withOneCompletedBatch(boolean bufferReusable) {
    RecordAccumulator acc = new RecordAccumulator(1000, 0, 2000, CompressionType.NONE, 120_000);
    append(acc, TP0, 900, 100);
    completeFirstBatchOfNode1(acc, bufferReusable);
    return acc;
  }

  @Test
  void aFullBatchIsReadyAtOnceAndTheNextRecordStartsANewOne() {
    RecordAccumulator acc = new RecordAccumulator(1024, 60_000, 1 << 20, CompressionType.NONE, 120_000);
    assertTrue(append(acc, TP1, 100, 1000).newBatch(), "the first record opens a batch: the sender should look");
    int inFirst = 1;
    RecordAccumulator.AppendResult r;
    while (!(r = append(acc, TP1, 100, 1000)).newBatch() && inFirst < 100) {
      assertFalse(r.batchFull() && inFirst < 5, "a batch of a few records is not full yet");
      inFirst++;
    }
    assertTrue(r.newBatch(), "batch.size bounds a batch: the record that does not fit opens the next one");
    assertTrue(inFirst > 5 && inFirst <= 10, "about 1024/100 records per batch: " + inFirst);
    assertFalse(append(acc, TP1, 100, 1000).batchFull(), "appending behind a complete batch does not wake the sender again");
    assertEquals(java.util.Set.of(2), acc.ready(CLUSTER, System.currentTimeMillis()).readyNodes());
    List<ProducerBatch> drained = acc.drain(CLUSTER, 2, 1 << 20, tp -> Integer.MAX_VALUE);
    assertEquals(1, drained.size(), "the full batch goes; one still open for appends stays unless it is the head");
    assertTrue(acc.drain(CLUSTER, 1, 1 << 20, tp -> Integer.MAX_VALUE).isEmpty(), "node 1 leads nothing queued");
  }

  @Test
  void aDrainTakesSeveralFullBatchesOfAPartitionUpToItsAllowanceAndTheRequestSize() {
    RecordAccumulator acc = new RecordAccumulator(1024, 60_000, 1 << 20, CompressionType.NONE, 120_000);
    for (int i = 0; i < 50; i++) {
      append(acc, TP1, 100, 1000); // about 9 records a batch: 5 full batches and an open one
    }
    List<ProducerBatch> two = acc.drain(CLUSTER, 2, 1 << 20, tp -> 2);
    assertEquals(2, two.size(), "the sender's allowance caps the batches of a partition");
    assertTrue(two.get(0) != two.get(1));
    assertEquals(0, acc.drain(CLUSTER, 2, 1 << 20, tp -> 0).size(), "an allowance of 0 holds the partition back");
    List<ProducerBatch> capped = acc.drain(CLUSTER, 2, 2 * 1024, tp -> Integer.MAX_VALUE);
    assertEquals(2, capped.size(), "max.request.size caps the request (each full batch is about 1 KiB)");
    List<ProducerBatch> rest = acc.drain(CLUSTER, 2, 1 << 20, tp -> Integer.MAX_VALUE);
    assertTrue(rest.size() >= 1, "the remaining full batches");
    assertTrue(acc.hasUndrained(), "the open batch stays while full ones are queued before it");
  }

  @Test
  void bufferMemoryBlocksUpToMaxBlockMsThenFailsClearly() {
    RecordAccumulator acc = new RecordAccumulator(1000, 0, 2000, CompressionType.NONE, 120_000);
    append(acc, TP0, 900, 100);
    append(acc, TP1, 900, 100);
    assertEquals(2000, acc.usedMemory());
    long start = System.currentTimeMillis();
    TimeoutException e = assertThrows(TimeoutException.class, () -> append(acc, TP0, 900, 200));
    assertTrue(System.currentTimeMillis() - start >= 200, "waited for max.block.ms");
    assertTrue(e.getMessage().contains("Failed to allocate memory within the configured max blocking time 200 ms"), e.getMessage());
  }

  @Test
  void aBlockedAppendProceedsWhenABatchCompletes() {
    RecordAccumulator acc = new RecordAccumulator(1000, 0, 2000, CompressionType.NONE, 120_000);
    append(acc, TP0, 900, 100);
    append(acc, TP1, 900, 100);
    AtomicReference<RecordAccumulator.AppendResult> result = new AtomicReference<>();
    CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> result.set(append(acc, TP0, 900, 30_000)));
    Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !blocked.isDone());
    ProducerBatch batch = acc.drain(CLUSTER, 1, 1 << 20, tp -> 1).get(0);
    acc.deallocate(batch, false);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(blocked::isDone);
    assertFalse(blocked.isCompletedExceptionally());
    assertTrue(result.get().newBatch());
  }

  @Test
  void aBufferGivenBackServesTheNextBatchWithinTheSameMemory() {
    RecordAccumulator acc = new RecordAccumulator(1000, 0, 2000, CompressionType.NONE, 120_000);
    append(acc, TP0, 900, 100);
    append(acc, TP1, 900, 100);
    completeFirstBatchOfNode1(acc, true);
    assertEquals(1, acc.freeBuffers());
    assertEquals(1000, acc.usedMemory());
    assertTrue(append(acc, TP0, 900, 100).newBatch());
    assertEquals(0, acc.freeBuffers(), "the new batch took the free buffer");
    assertEquals(2000, acc.usedMemory());
    assertThrows(TimeoutException.class, () -> append(acc, TP0, 900, 50), "buffer.memory still bounds the batches");
  }

  @Test
  void aFreeBufferGivesItsMemoryToABatchOfAnotherSize() {
    RecordAccumulator acc = withOneCompletedBatch(true);
    assertEquals(1, acc.freeBuffers());
    append(acc, TP1, 1500, 100); // a batch above batch.size needs more than the 1000 left unheld
    assertEquals(0, acc.freeBuffers());
    assertTrue(acc.usedMemory() > 1500);
  }

  @Test
  void aBufferNotVouchedForIsNotReused() {
    RecordAccumulator acc = withOneCompletedBatch(false);
    assertEquals(0, acc.freeBuffers());
    assertEquals(0, acc.usedMemory());
  }

  @Test
  void batchesUnsentPastTheDeliveryTimeoutExpire() {
    RecordAccumulator acc = new RecordAccumulator(1000, 0, 1 << 20, CompressionType.NONE, 500);
    append(acc, TP0, 10, 100);
    assertTrue(acc.expiredBatches(System.currentTimeMillis()).isEmpty());
    assertEquals(1, acc.expiredBatches(System.currentTimeMillis() + 600).size());
    assertFalse(acc.hasUndrained());
  }
}
