package io.weir.metadata.raft.runtime;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One channel per voter, created on first use and reused; for clients of the quorum (observers, CLI). */
final class VoterChannels implements AutoCloseable {

    private final SortedMap<Integer, Endpoint> voters;
    private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>(); // any thread

    VoterChannels(SortedMap<Integer, Endpoint> voters) {
        this.voters = voters;
    }

    ManagedChannel channel(int voterId) {
        Endpoint e = voters.get(voterId);
        if (e == null) {
            throw new IllegalArgumentException("node " + voterId + " is not one of the voters " + voters.keySet());
        }
        return channels.computeIfAbsent(voterId, id -> NettyChannelBuilder.forAddress(e.host(), e.port())
                .usePlaintext()
                .maxInboundMessageSize(ControllerListener.MAX_MESSAGE_BYTES)
                .flowControlWindow(ControllerListener.FLOW_CONTROL_WINDOW_BYTES)
                // A peer whose host vanished sends no reset: pings find the dead connection in seconds,
                // not after TCP's retransmission timeout, so the stream reconnects to the restarted peer.
                .keepAliveTime(ControllerListener.KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .keepAliveTimeout(ControllerListener.KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true)
                .build());
    }

    /** The voter after {@code voterId} in id order, wrapping around; the first voter for an unknown id. */
    int next(int voterId) {
        SortedMap<Integer, Endpoint> tail = voters.tailMap(voterId + 1);
        return tail.isEmpty() ? voters.firstKey() : tail.firstKey();
    }

    boolean isVoter(int id) {
        return voters.containsKey(id);
    }

    int size() {
        return voters.size();
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdown);
        for (ManagedChannel c : channels.values()) {
            try {
                if (!c.awaitTermination(1, TimeUnit.SECONDS)) {
                    c.shutdownNow();
                }
            } catch (InterruptedException e) {
                c.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
