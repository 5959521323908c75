package io.weir.client.test;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.weir.proto.v1.InitProducerIdRequest;
import io.weir.proto.v1.InitProducerIdResponse;
import io.weir.proto.v1.MetadataRequest;
import io.weir.proto.v1.MetadataResponse;
import io.weir.proto.v1.MetadataServiceGrpc;
import io.weir.proto.v1.ProduceRequest;
import io.weir.proto.v1.ProduceResponse;
import io.weir.proto.v1.ProduceServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in front of one broker for a producer: metadata names the proxy as the only broker, and
 * each of the first {@code n} produce requests reaches the broker but then its stream fails with
 * UNAVAILABLE instead of answering, as when a connection breaks after the broker appended.
 */
public final class ResponseDroppingProxy implements AutoCloseable {
  private final ManagedChannel upstream;
  private final Server server;
  private final AtomicInteger responsesToDrop; // any gRPC thread
  private final AtomicInteger produceRequests = new AtomicInteger(); // any gRPC thread

  public ResponseDroppingProxy(int brokerPort, int dropCount) {
    this.responsesToDrop = new AtomicInteger(dropCount);
    this.upstream = NettyChannelBuilder.forAddress("127.0.0.1", brokerPort).usePlaintext().maxInboundMessageSize(64 << 20).build();
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxInboundMessageSize(64 << 20)
        .addService(new MetadataServiceGrpc.MetadataServiceImplBase() {
          @Override
          public void getMetadata(MetadataRequest request, StreamObserver<MetadataResponse> observer) {
            MetadataResponse r = MetadataServiceGrpc.newBlockingStub(upstream).withDeadlineAfter(10, TimeUnit.SECONDS).getMetadata(request);
            MetadataResponse.Builder b = r.toBuilder();
            for (MetadataResponse.Broker.Builder broker : b.getBrokersBuilderList()) {
              broker.setHost("127.0.0.1").setPort(ResponseDroppingProxy.this.port());
            }
            observer.onNext(b.build());
            observer.onCompleted();
          }
        })
        .addService(new ProduceServiceGrpc.ProduceServiceImplBase() {
          @Override
          public StreamObserver<ProduceRequest> produceStream(StreamObserver<ProduceResponse> out) {
            return new StreamObserver<>() {
              private boolean broken; // gRPC delivers a stream's messages one at a time

              @Override
              public void onNext(ProduceRequest request) {
                if (broken) {
                  return;
                }
                produceRequests.incrementAndGet();
                ProduceResponse r = ProduceServiceGrpc.newBlockingStub(upstream).withDeadlineAfter(30, TimeUnit.SECONDS).produce(request);
                if (responsesToDrop.getAndDecrement() > 0) {
                  broken = true;
                  out.onError(Status.UNAVAILABLE.withDescription("connection dropped by the test proxy").asRuntimeException());
                } else {
                  out.onNext(r);
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                if (!broken) {
                  out.onCompleted();
                }
              }
            };
          }

          @Override
          public void initProducerId(InitProducerIdRequest request, StreamObserver<InitProducerIdResponse> observer) {
            observer.onNext(ProduceServiceGrpc.newBlockingStub(upstream).withDeadlineAfter(10, TimeUnit.SECONDS).initProducerId(request));
            observer.onCompleted();
          }
        })
        .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getPort();
  }

  public int produceRequests() {
    return produceRequests.get();
  }

  @Override
  public void close() {
    server.shutdownNow();
    upstream.shutdownNow();
  }
}
