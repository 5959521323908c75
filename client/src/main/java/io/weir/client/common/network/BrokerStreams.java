package io.weir.client.common.network;

import io.grpc.MethodDescriptor;
import io.weir.client.common.Node;
import java.util.HashMap;
import java.util.Map;

/**
 * A client's {@link RequestStream} to each broker for one method, opened on first use and opened
 * anew once broken. Owned by one thread (the producer's sender, the consumer's application thread).
 */
public final class BrokerStreams<Q, R> {
  private final ChannelPool channels;
  private final MethodDescriptor<Q, R> method;
  private final Map<Integer, RequestStream<Q, R>> streams = new HashMap<>(); // by broker id

  public BrokerStreams(ChannelPool channels, MethodDescriptor<Q, R> method) {
    this.channels = channels;
    this.method = method;
  }

  /** The usable stream to the broker. */
  public RequestStream<Q, R> to(Node node) {
    RequestStream<Q, R> stream = streams.get(node.id());
    if (stream == null || !stream.usable()) {
      stream = new RequestStream<>(channels.channel(node.host(), node.port()), method);
      streams.put(node.id(), stream);
    }
    return stream;
  }

  /** Cancels each stream whose oldest request is past its deadline (see {@link RequestStream#expireIfLate}). */
  public void expireLate(long nowMs) {
    streams.values().forEach(s -> s.expireIfLate(nowMs));
  }

  /** Cancels every stream; their pending requests fail. */
  public void close() {
    streams.values().forEach(RequestStream::close);
    streams.clear();
  }
}
