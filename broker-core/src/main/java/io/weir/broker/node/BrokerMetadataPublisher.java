package io.weir.broker.node;

import io.weir.broker.BrokerServer;
import io.weir.broker.NamedThreadFactory;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.publisher.MetadataPublisher;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands committed images to the broker on its own {@code broker-metadata-<id>} thread, so the
 * thread that applies the metadata log (a controller's Raft driver, or an observer's fetcher) never
 * waits for log opening or fetcher changes. Images are whole, so a burst collapses to its newest;
 * the broker sees offsets only ever increase.
 */
final class BrokerMetadataPublisher implements MetadataPublisher, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokerMetadataPublisher.class);

  private final BrokerServer broker;
  private final ExecutorService thread;
  private final AtomicReference<MetadataImage> latest = new AtomicReference<>(); // any thread
  private volatile long appliedOffset = MetadataImage.EMPTY.offset(); // written by the metadata thread

  BrokerMetadataPublisher(BrokerServer broker) {
    this.broker = broker;
    this.thread = Executors.newSingleThreadExecutor(new NamedThreadFactory("broker-metadata-" + broker.nodeId()));
  }

  @Override
  public void onMetadataUpdate(MetadataImage image) {
    latest.accumulateAndGet(image, (cur, next) -> cur == null || next.offset() > cur.offset() ? next : cur);
    try {
      thread.execute(this::applyLatest);
    } catch (RejectedExecutionException e) {
      // Closing: the broker takes no more images.
    }
  }

  private void applyLatest() {
    MetadataImage image = latest.get();
    if (image == null || image.offset() <= appliedOffset) {
      return;
    }
    try {
      broker.onMetadataUpdate(image);
    } catch (RuntimeException e) {
      log.error("broker {} failed to apply the metadata image at offset {}", broker.nodeId(), image.offset(), e);
    }
    appliedOffset = image.offset();
  }

  /** The offset of the last image the broker applied: what its heartbeats report. */
  long appliedOffset() {
    return appliedOffset;
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
