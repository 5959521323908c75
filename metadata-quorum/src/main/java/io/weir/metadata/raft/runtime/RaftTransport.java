package io.weir.metadata.raft.runtime;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.weir.metadata.raft.RaftMessage;
import io.weir.proto.v1.RaftEnvelope;
import io.weir.proto.v1.RaftServiceGrpc;
import io.weir.proto.v1.SendAck;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the core's one-way messages to the other voters: one channel and one long-lived client stream
 * ({@code RaftService.Send}) per peer, reused for every message. A peer's messages wait in a small bounded
 * queue while its stream is not ready (gRPC flow control) and are dropped when the queue is full or the
 * stream fails: Raft retries on its own (heartbeats, probes, snapshot resends), so losing messages to an
 * unreachable peer is safe, while buffering them without bound is not.
 */
final class RaftTransport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RaftTransport.class);

    private static final int MAX_QUEUED_MESSAGES = 4096;
    private static final long MAX_QUEUED_BYTES = 64L << 20;
    private static final long RECONNECT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final VoterChannels channels;
    private final Map<Integer, Peer> peers;

    RaftTransport(int selfId, SortedMap<Integer, Endpoint> voters) {
        this.channels = new VoterChannels(voters);
        Map<Integer, Peer> map = new TreeMap<>();
        voters.forEach((id, endpoint) -> {
            if (id != selfId) {
                map.put(id, new Peer(id, endpoint, channels.channel(id)));
            }
        });
        this.peers = Map.copyOf(map);
    }

    /** Queues each message on its peer's stream; never blocks. */
    void send(List<RaftMessage> messages) {
        for (RaftMessage m : messages) {
            Peer peer = peers.get(m.to());
            if (peer == null) {
                log.warn("Dropping {}: node {} is not a peer", m, m.to());
                continue;
            }
            peer.send(RaftCodec.toProto(m));
        }
    }

    @Override
    public void close() {
        peers.values().forEach(Peer::closeStream);
        channels.close();
    }

    /** One peer's channel and stream. The driver thread sends; gRPC threads report readiness and failure. */
    private static final class Peer {
        private final int id;
        private final Endpoint endpoint;
        private final RaftServiceGrpc.RaftServiceStub stub;

        // All below guarded by this: the driver thread, onReady and failure callbacks all touch them.
        private ClientCallStreamObserver<RaftEnvelope> stream;
        private final ArrayDeque<RaftEnvelope> queue = new ArrayDeque<>();
        private long queuedBytes;
        private long reconnectAtNanos;
        private boolean closed;
        private boolean warnedUnreachable;

        Peer(int id, Endpoint endpoint, ManagedChannel channel) {
            this.id = id;
            this.endpoint = endpoint;
            this.stub = RaftServiceGrpc.newStub(channel);
        }

        synchronized void send(RaftEnvelope envelope) {
            if (closed) {
                return;
            }
            if (queue.size() >= MAX_QUEUED_MESSAGES || queuedBytes >= MAX_QUEUED_BYTES) {
                log.debug("Dropping a message to node {}: {} messages ({} bytes) already queued", id, queue.size(),
                        queuedBytes);
                return;
            }
            queue.addLast(envelope);
            queuedBytes += envelope.getSerializedSize();
            if (stream == null) {
                if (System.nanoTime() - reconnectAtNanos < 0) {
                    return; // the last attempt failed moments ago: wait, and drop what does not fit meanwhile
                }
                openStream();
            }
            drain();
        }

        private void openStream() {
            stub.send(new ClientResponseObserver<RaftEnvelope, SendAck>() {
                private ClientCallStreamObserver<RaftEnvelope> requestStream;

                @Override
                public void beforeStart(ClientCallStreamObserver<RaftEnvelope> requestStream) {
                    this.requestStream = requestStream;
                    synchronized (Peer.this) {
                        stream = requestStream;
                    }
                    requestStream.setOnReadyHandler(() -> onReady(requestStream));
                }

                @Override
                public void onNext(SendAck value) {
                }

                @Override
                public void onError(Throwable t) {
                    failed(requestStream, t);
                }

                @Override
                public void onCompleted() {
                    failed(requestStream, null);
                }
            });
        }

        private synchronized void onReady(ClientCallStreamObserver<RaftEnvelope> s) {
            if (s == stream) {
                if (warnedUnreachable) {
                    log.info("Stream to node {} at {} is up again", id, endpoint);
                    warnedUnreachable = false;
                }
                drain();
            }
        }

        private void drain() {
            while (stream != null && stream.isReady() && !queue.isEmpty()) {
                RaftEnvelope e = queue.pollFirst();
                queuedBytes -= e.getSerializedSize();
                stream.onNext(e);
            }
        }

        private synchronized void failed(ClientCallStreamObserver<RaftEnvelope> s, Throwable t) {
            if (s != stream) {
                return;
            }
            stream = null;
            if (!queue.isEmpty()) {
                log.debug("Dropping {} messages to node {}: its stream ended", queue.size(), id);
            }
            queue.clear();
            queuedBytes = 0;
            reconnectAtNanos = System.nanoTime() + RECONNECT_BACKOFF_NANOS;
            if (!closed && !warnedUnreachable) {
                warnedUnreachable = true;
                log.info("Stream to node {} at {} failed, reconnecting: {}", id, endpoint,
                        t == null ? "closed by the peer" : t.getMessage());
            }
        }

        synchronized void closeStream() {
            closed = true;
            queue.clear();
            if (stream != null) {
                stream.onCompleted();
                stream = null;
            }
        }
    }
}
