package io.weir.metadata.image;

import java.util.List;
import java.util.Map;

/** The registered brokers, by id. */
public record ClusterImage(Map<Integer, BrokerRegistration> brokers) {
    public static final ClusterImage EMPTY = new ClusterImage(Map.of());

    public ClusterImage {
        brokers = Map.copyOf(brokers);
    }

    /** The registration of {@code brokerId}, or null when it is not registered. */
    public BrokerRegistration broker(int brokerId) {
        return brokers.get(brokerId);
    }

    /** True when the broker is registered, unfenced and not in controlled shutdown. */
    public boolean isActive(int brokerId) {
        BrokerRegistration b = brokers.get(brokerId);
        return b != null && b.isActive();
    }

    /** Active brokers in id order: the candidates for new replicas. */
    public List<BrokerRegistration> activeBrokers() {
        return brokers.values().stream()
                .filter(BrokerRegistration::isActive)
                .sorted((a, b) -> Integer.compare(a.id(), b.id()))
                .toList();
    }
}
