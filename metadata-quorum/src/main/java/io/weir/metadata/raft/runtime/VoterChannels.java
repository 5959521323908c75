package io.weir.metadata.raft.runtime;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One channel per voter address, created on first use and reused: the transport's peers, observers and
 * tools all reach the quorum through one.
 */
final class VoterChannels implements AutoCloseable {

    private final SortedMap<Integer, Endpoint> voters;
    private final Map<Endpoint, ManagedChannel> channels = new ConcurrentHashMap<>(); // any thread

    VoterChannels(SortedMap<Integer, Endpoint> voters) {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("at least one voter address is needed");
        }
        this.voters = voters;
    }

    ManagedChannel channel(int voterId) {
        Endpoint e = voters.get(voterId);
        if (e == null) {
            throw new IllegalArgumentException("node " + voterId + " is not one of the voters " + voters.keySet());
        }
        return channel(e);
    }

    /** A channel to any address, e.g. a leader named in a NOT_CONTROLLER answer. */
    ManagedChannel channel(Endpoint e) {
        return channels.computeIfAbsent(e, ep -> NettyChannelBuilder.forAddress(ep.host(), ep.port())
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

    Endpoint endpoint(int voterId) {
        return voters.get(voterId);
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
