package io.weir.broker.admin;

import io.grpc.stub.StreamObserver;
import io.weir.broker.metadata.MetadataCache;
import io.weir.metadata.broker.ControllerClient;
import io.weir.metadata.broker.ControllerUnavailableException;
import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.Endpoint;
import io.weir.proto.v1.AdminServiceGrpc;
import io.weir.proto.v1.CreatePartitionsRequest;
import io.weir.proto.v1.CreatePartitionsResponse;
import io.weir.proto.v1.CreateTopicsRequest;
import io.weir.proto.v1.CreateTopicsResponse;
import io.weir.proto.v1.DeleteTopicsRequest;
import io.weir.proto.v1.DeleteTopicsResponse;
import io.weir.proto.v1.DescribeClusterBroker;
import io.weir.proto.v1.DescribeClusterRequest;
import io.weir.proto.v1.DescribeClusterResponse;
import io.weir.proto.v1.DescribeConfigsRequest;
import io.weir.proto.v1.DescribeConfigsResponse;
import io.weir.proto.v1.DescribeQuorumRequest;
import io.weir.proto.v1.DescribeQuorumResponse;
import io.weir.proto.v1.ElectLeadersRequest;
import io.weir.proto.v1.ElectLeadersResponse;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.IncrementalAlterConfigsRequest;
import io.weir.proto.v1.IncrementalAlterConfigsResponse;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The broker's AdminService: forwards every administrative request to the active controller
 * through the node's {@link ControllerClient} (as Kafka's brokers forward to the controller) and
 * returns its answer unchanged, so per-item errors keep the controller's messages. A controller
 * that does not answer within the client's request timeout becomes REQUEST_TIMED_OUT in band.
 * Runs on the broker's request-handler threads; holds no mutable state.
 */
public final class AdminServiceImpl extends AdminServiceGrpc.AdminServiceImplBase {
  private final ControllerClient controller;
  private final MetadataCache metadata;
  private final String clusterId;

  public AdminServiceImpl(ControllerClient controller, MetadataCache metadata, String clusterId) {
    this.controller = controller;
    this.metadata = metadata;
    this.clusterId = clusterId;
  }

  private static <T> void forward(Supplier<T> call, BiFunction<ErrorCode, String, T> failed, StreamObserver<T> out) {
    T response;
    try {
      response = call.get();
    } catch (ControllerUnavailableException e) {
      response = failed.apply(ErrorCode.REQUEST_TIMED_OUT, e.getMessage());
    }
    out.onNext(response);
    out.onCompleted();
  }

  @Override
  public void createTopics(CreateTopicsRequest request, StreamObserver<CreateTopicsResponse> out) {
    forward(() -> controller.createTopics(request), (code, message) -> CreateTopicsResponse.newBuilder()
        .setErrorCode(code).setErrorMessage(message).build(), out);
  }

  @Override
  public void deleteTopics(DeleteTopicsRequest request, StreamObserver<DeleteTopicsResponse> out) {
    forward(() -> controller.deleteTopics(request), (code, message) -> DeleteTopicsResponse.newBuilder()
        .setErrorCode(code).setErrorMessage(message).build(), out);
  }

  @Override
  public void createPartitions(CreatePartitionsRequest request, StreamObserver<CreatePartitionsResponse> out) {
    forward(() -> controller.createPartitions(request), (code, message) -> CreatePartitionsResponse.newBuilder()
        .setErrorCode(code).setErrorMessage(message).build(), out);
  }

  @Override
  public void describeConfigs(DescribeConfigsRequest request, StreamObserver<DescribeConfigsResponse> out) {
    forward(() -> controller.describeConfigs(request), (code, message) -> DescribeConfigsResponse.newBuilder()
        .setErrorCode(code).setErrorMessage(message).build(), out);
  }

  @Override
  public void incrementalAlterConfigs(IncrementalAlterConfigsRequest request,
      StreamObserver<IncrementalAlterConfigsResponse> out) {
    forward(() -> controller.incrementalAlterConfigs(request), (code, message) ->
        IncrementalAlterConfigsResponse.newBuilder().setErrorCode(code).setErrorMessage(message).build(), out);
  }

  @Override
  public void electLeaders(ElectLeadersRequest request, StreamObserver<ElectLeadersResponse> out) {
    forward(() -> controller.electLeaders(request), (code, message) -> ElectLeadersResponse.newBuilder()
        .setErrorCode(code).setErrorMessage(message).build(), out);
  }

  @Override
  public void describeQuorum(DescribeQuorumRequest request, StreamObserver<DescribeQuorumResponse> out) {
    forward(() -> controller.describeQuorum(request), (code, message) -> DescribeQuorumResponse.newBuilder()
        .setErrorCode(code).setErrorMessage(message).build(), out);
  }

  /** Brokers from this broker's image; the controller id from the quorum, -1 when none answers. */
  @Override
  public void describeCluster(DescribeClusterRequest request, StreamObserver<DescribeClusterResponse> out) {
    DescribeClusterResponse.Builder b = DescribeClusterResponse.newBuilder().setClusterId(clusterId).setControllerId(-1);
    try {
      DescribeQuorumResponse quorum = controller.describeQuorum(DescribeQuorumRequest.getDefaultInstance());
      if (quorum.getErrorCode() == ErrorCode.NONE) {
        b.setControllerId(quorum.getLeader().getId());
      }
    } catch (ControllerUnavailableException e) {
      // The brokers are still worth listing; the controller id stays unknown.
    }
    for (BrokerRegistration r : metadata.image().cluster().brokers().values()) {
      Optional<Endpoint> e = metadata.endpoint(r);
      b.addBrokers(DescribeClusterBroker.newBuilder().setBrokerId(r.id())
          .setHost(e.map(Endpoint::host).orElse("")).setPort(e.map(Endpoint::port).orElse(-1))
          .setRack(r.rack().orElse("")).setFenced(r.fenced()));
    }
    out.onNext(b.build());
    out.onCompleted();
  }
}
