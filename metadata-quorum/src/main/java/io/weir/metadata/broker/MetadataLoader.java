package io.weir.metadata.broker;

import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.MetadataLogEntries;
import io.weir.metadata.publisher.MetadataPublisher;
import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.runtime.QuorumConfig;
import io.weir.metadata.raft.runtime.RaftObserver;
import io.weir.metadata.raft.runtime.StateMachine;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's copy of the cluster metadata (Kafka's {@code MetadataLoader}): follows the committed metadata
 * log with a {@link RaftObserver} ({@code RaftService.FetchCommitted} from the Raft leader; the leader's
 * snapshot first when the broker is below its log start), builds the same {@link MetadataImage} as the
 * controllers, and hands each new image to the registered {@link MetadataPublisher}s, in log order, on
 * the observer's one fetcher thread.
 *
 * <p>Keeps nothing on disk: a restarted broker starts from the leader's snapshot and the log after it.
 */
public final class MetadataLoader implements StateMachine, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetadataLoader.class);

    private final CopyOnWriteArrayList<MetadataPublisher> publishers = new CopyOnWriteArrayList<>(); // any thread
    /** Written by the observer's fetcher thread only, read by anyone. */
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile RaftObserver observer;

    private MetadataLoader() {
    }

    /**
     * Starts following the quorum in {@code config} (its {@code node.id} is the broker's, not a voter's).
     * Add publishers before calling this to see every image from the first.
     */
    public static MetadataLoader start(QuorumConfig config, MetadataPublisher... initialPublishers) {
        MetadataLoader loader = new MetadataLoader();
        loader.publishers.addAll(List.of(initialPublishers));
        loader.observer = RaftObserver.start(config, loader);
        return loader;
    }

    /** A publisher added after {@link #start} sees the images after the current one; read {@link #image} for that. */
    public void addPublisher(MetadataPublisher publisher) {
        publishers.add(publisher);
    }

    /** The latest image; its offset is what the broker reports in heartbeats. */
    public MetadataImage image() {
        return image;
    }

    public long offset() {
        return image.offset();
    }

    @Override
    public void apply(Entry entry) {
        publish(MetadataLogEntries.apply(image, MetadataLogEntries.decode(entry), entry.index()));
    }

    @Override
    public byte[] snapshot() {
        return MetadataLogEntries.snapshot(image);
    }

    @Override
    public void restore(byte[] snapshot) {
        publish(MetadataLogEntries.restore(snapshot));
    }

    private void publish(MetadataImage next) {
        image = next;
        for (MetadataPublisher p : publishers) {
            try {
                p.onMetadataUpdate(next);
            } catch (RuntimeException e) {
                log.error("Metadata publisher {} failed at offset {}", p, next.offset(), e);
            }
        }
    }

    @Override
    public void close() {
        if (observer != null) {
            observer.close();
        }
    }
}
