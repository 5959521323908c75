package io.weir.metadata.publisher;

import io.weir.metadata.image.MetadataImage;

/**
 * Receives each new committed metadata image, in log order, on the one thread that applies the metadata
 * log (a broker's observer fetcher, or a controller's Raft driver). Must return quickly and must not
 * block: hand long work to another thread. {@code image.offset()} is the metadata offset it reflects.
 */
@FunctionalInterface
public interface MetadataPublisher {
    void onMetadataUpdate(MetadataImage image);
}
