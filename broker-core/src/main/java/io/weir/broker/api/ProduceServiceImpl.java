package io.weir.broker.api;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.weir.broker.ApiException;
import io.weir.broker.producer.ProducerIdManager;
import io.weir.broker.replica.ReplicaManager;
import io.weir.common.TopicPartition;
import io.weir.common.record.MemoryRecords;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.InitProducerIdRequest;
import io.weir.proto.v1.InitProducerIdResponse;
import io.weir.proto.v1.ProduceResponse;
import io.weir.proto.v1.ProduceServiceGrpc;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce (one call per request, or a stream of them answered in order) and InitProducerId. A
 * partition that cannot be served (bad name, corrupt batch, not the leader) fails alone with its
 * error code; the rest of the request proceeds. Produce is bound with {@link
 * ProduceRequestMarshaller}, so record bytes reach the log without further copies.
 */
public final class ProduceServiceImpl implements BindableService {
  private static final Logger log = LoggerFactory.getLogger(ProduceServiceImpl.class);

  /**
   * Requests of one stream read ahead of their answers: a producer keeps up to
   * max.in.flight.requests.per.connection (5) per broker unanswered, more if configured so.
   */
  private static final int PRODUCE_READ_AHEAD = 32;

  private final ReplicaManager replicaManager;
  private final ProducerIdManager producerIds;
  private final InOrderStream.Registry streams = new InOrderStream.Registry();

  public ProduceServiceImpl(ReplicaManager replicaManager, ProducerIdManager producerIds) {
    this.replicaManager = replicaManager;
    this.producerIds = producerIds;
  }

  @Override
  public ServerServiceDefinition bindService() {
    MethodDescriptor<ProduceRequestMarshaller.Request, ProduceResponse> produce =
        ProduceServiceGrpc.getProduceMethod().toBuilder(
                new ProduceRequestMarshaller(),
                ProtoUtils.marshaller(ProduceResponse.getDefaultInstance()))
            .build();
    MethodDescriptor<ProduceRequestMarshaller.Request, ProduceResponse> produceStream =
        ProduceServiceGrpc.getProduceStreamMethod().toBuilder(
                new ProduceRequestMarshaller(),
                ProtoUtils.marshaller(ProduceResponse.getDefaultInstance()))
            .build();
    return ServerServiceDefinition.builder(ProduceServiceGrpc.getServiceDescriptor().getName())
        .addMethod(produce, ServerCalls.asyncUnaryCall(this::produce))
        .addMethod(produceStream, ServerCalls.asyncBidiStreamingCall(this::produceStream))
        .addMethod(ProduceServiceGrpc.getInitProducerIdMethod(), ServerCalls.asyncUnaryCall(this::initProducerId))
        .build();
  }

  void produce(ProduceRequestMarshaller.Request request, StreamObserver<ProduceResponse> observer) {
    handle(request, UnaryAnswer.to(observer), observer::onError);
  }

  StreamObserver<ProduceRequestMarshaller.Request> produceStream(StreamObserver<ProduceResponse> responses) {
    return new InOrderStream<>(
        (ServerCallStreamObserver<ProduceResponse>) responses, PRODUCE_READ_AHEAD, this::handle, streams);
  }

  /**
   * Ends every open produce stream, each after its pending answers: a draining broker's server
   * waits for its calls to finish, and an idle stream never would.
   */
  public void closeStreams() {
    streams.endAll();
  }

  private void handle(
      ProduceRequestMarshaller.Request request,
      Consumer<ProduceResponse> answer,
      Consumer<Throwable> fail) {
    if (request.malformed() != null) {
      fail.accept(Status.INVALID_ARGUMENT.withDescription(request.malformed()).asRuntimeException());
      return;
    }
    Map<String, Map<Integer, ProduceResponse.PartitionResponse>> failed = new LinkedHashMap<>();
    Map<TopicPartition, MemoryRecords> entries = new LinkedHashMap<>();
    int acks = request.acks();
    for (ProduceRequestMarshaller.Topic topic : request.topics()) {
      for (ProduceRequestMarshaller.PartitionRecords pd : topic.partitions()) {
        ErrorCode error = null;
        String message = null;
        if (acks != 0 && acks != 1 && acks != -1) {
          error = ErrorCode.INVALID_REQUIRED_ACKS;
          message = "acks must be 0, 1 or -1 (all), was " + acks;
        } else {
          try {
            TopicPartition tp = new TopicPartition(topic.name(), pd.partition());
            // The log stamps offsets into the request's own bytes and writes them.
            if (entries.putIfAbsent(tp, MemoryRecords.readableRecords(pd.records())) != null) {
              error = ErrorCode.INVALID_REQUEST;
              message = "partition " + tp + " appears twice in the request";
            }
          } catch (IllegalArgumentException e) {
            error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
            message = e.getMessage();
          }
        }
        if (error != null) {
          failed
              .computeIfAbsent(topic.name(), t -> new LinkedHashMap<>())
              .put(
                  pd.partition(),
                  ProduceResponse.PartitionResponse.newBuilder()
                      .setPartition(pd.partition())
                      .setErrorCode(error)
                      .setErrorMessage(message)
                      .setBaseOffset(-1)
                      .setLogAppendTimeMs(-1)
                      .setLogStartOffset(-1)
                      .build());
        }
      }
    }
    try {
      replicaManager.appendRecords(
          acks,
          Math.max(0, request.timeoutMs()),
          entries,
          results -> answer.accept(toResponse(results, failed)));
    } catch (RuntimeException e) {
      log.error("produce request failed", e);
      fail.accept(Statuses.internal(e));
    }
  }

  private static ProduceResponse toResponse(
      Map<TopicPartition, ProduceResponse.PartitionResponse> results,
      Map<String, Map<Integer, ProduceResponse.PartitionResponse>> failed) {
    Map<String, ProduceResponse.TopicResponse.Builder> topics = new LinkedHashMap<>();
    results.forEach(
        (tp, r) ->
            topics
                .computeIfAbsent(tp.topic(), t -> ProduceResponse.TopicResponse.newBuilder().setName(t))
                .addPartitions(r));
    failed.forEach(
        (topic, parts) ->
            parts.values().forEach(
                r ->
                    topics
                        .computeIfAbsent(topic, t -> ProduceResponse.TopicResponse.newBuilder().setName(t))
                        .addPartitions(r)));
    ProduceResponse.Builder out = ProduceResponse.newBuilder();
    topics.values().forEach(out::addTopics);
    return out.build();
  }

  void initProducerId(
      InitProducerIdRequest request, StreamObserver<InitProducerIdResponse> observer) {
    producerIds
        .generateProducerId()
        .whenComplete(
            (id, error) -> {
              InitProducerIdResponse.Builder out = InitProducerIdResponse.newBuilder();
              if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                ErrorCode code = ApiException.codeFor(cause);
                out.setErrorCode(
                        code == ErrorCode.UNKNOWN_SERVER_ERROR ? ErrorCode.COORDINATOR_NOT_AVAILABLE : code)
                    .setErrorMessage(ApiException.messageFor(cause))
                    .setProducerId(-1)
                    .setProducerEpoch(-1);
              } else {
                out.setProducerId(id).setProducerEpoch(0);
              }
              observer.onNext(out.build());
              observer.onCompleted();
            });
  }
}
