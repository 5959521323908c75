package io.weir.metadata.controller;

import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.ClusterImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each broker was last heard from. This is soft state of the active
 * controller, not in the metadata log: a controller that becomes active starts
 * with none, and {@link #expired} gives every broker it has not heard from yet a
 * full session from that moment (as Kafka's controller does on failover), so a
 * failover never fences brokers that were heartbeating to the old controller.
 *
 * <p>Owned by the controller's single event thread.
 */
final class BrokerHeartbeatManager {
    private final long sessionTimeoutMs;
    private final Map<Integer, Long> lastContactMs = new HashMap<>(); // broker id -> time of last heartbeat

    BrokerHeartbeatManager(long sessionTimeoutMs) {
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    void touch(int brokerId, long nowMs) {
        lastContactMs.put(brokerId, nowMs);
    }

    /** True when the broker heartbeated within the session timeout. */
    boolean hasValidSession(int brokerId, long nowMs) {
        Long last = lastContactMs.get(brokerId);
        return last != null && nowMs - last < sessionTimeoutMs;
    }

    /** Unfenced brokers whose session ran out, in id order. */
    List<Integer> expired(ClusterImage cluster, long nowMs) {
        lastContactMs.keySet().retainAll(cluster.brokers().keySet());
        List<Integer> out = new ArrayList<>();
        for (BrokerRegistration b : cluster.brokers().values()) {
            if (b.fenced()) {
                continue;
            }
            long last = lastContactMs.computeIfAbsent(b.id(), id -> nowMs);
            if (nowMs - last >= sessionTimeoutMs) {
                out.add(b.id());
            }
        }
        out.sort(Integer::compare);
        return out;
    }
}
