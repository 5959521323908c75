package io.weir.broker.metadata;

import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import java.util.Optional;

/**
 * The latest metadata image this broker has applied, for request handlers on any thread. The image
 * is immutable; this only swaps the reference.
 */
public final class MetadataCache {
  private final String listenerName;
  private volatile MetadataImage image = MetadataImage.EMPTY; // replaced whole by the metadata thread

  public MetadataCache(String listenerName) {
    this.listenerName = listenerName;
  }

  public MetadataImage image() {
    return image;
  }

  public void update(MetadataImage newImage) {
    image = newImage;
  }

  /** Registered and unfenced: the brokers a client may talk to. */
  public boolean isLive(int brokerId) {
    BrokerRegistration b = image.cluster().broker(brokerId);
    return b != null && !b.fenced();
  }

  /** The broker's address on this broker's listener (the first listener if it has no such one). */
  public Optional<Endpoint> endpoint(int brokerId) {
    return endpoint(image.cluster().broker(brokerId));
  }

  public Optional<Endpoint> endpoint(BrokerRegistration b) {
    if (b == null || b.listeners().isEmpty()) {
      return Optional.empty();
    }
    for (Endpoint e : b.listeners()) {
      if (e.name().equals(listenerName)) {
        return Optional.of(e);
      }
    }
    return Optional.of(b.listeners().get(0));
  }

  public Optional<String> rack(int brokerId) {
    BrokerRegistration b = image.cluster().broker(brokerId);
    return b == null ? Optional.empty() : b.rack();
  }

  public TopicImage topic(String name) {
    return image.topics().topic(name);
  }

  public PartitionRegistration partition(String topic, int partition) {
    TopicImage t = topic(topic);
    return t == null ? null : t.partition(partition);
  }
}
