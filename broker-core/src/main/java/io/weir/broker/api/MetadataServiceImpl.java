package io.weir.broker.api;

import io.grpc.stub.StreamObserver;
import io.weir.broker.metadata.AutoTopicCreator;
import io.weir.broker.metadata.MetadataCache;
import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.metadata.image.PartitionRegistration;
import io.weir.metadata.image.TopicImage;
import io.weir.proto.v1.ErrorCode;
import io.weir.proto.v1.MetadataRequest;
import io.weir.proto.v1.MetadataResponse;
import io.weir.proto.v1.MetadataServiceGrpc;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Any broker answers with the whole cluster from its metadata image: the bootstrap server. */
public final class MetadataServiceImpl extends MetadataServiceGrpc.MetadataServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(MetadataServiceImpl.class);

  private final MetadataCache cache;
  private final boolean autoCreateTopicsEnable;
  private final AutoTopicCreator topicCreator;

  public MetadataServiceImpl(
      MetadataCache cache, boolean autoCreateTopicsEnable, AutoTopicCreator topicCreator) {
    this.cache = cache;
    this.autoCreateTopicsEnable = autoCreateTopicsEnable;
    this.topicCreator = topicCreator;
  }

  @Override
  public void getMetadata(MetadataRequest request, StreamObserver<MetadataResponse> observer) {
    try {
      observer.onNext(metadata(request));
      observer.onCompleted();
    } catch (RuntimeException e) {
      log.error("metadata request failed", e);
      observer.onError(Statuses.internal(e));
    }
  }

  MetadataResponse metadata(MetadataRequest request) {
    MetadataImage image = cache.image();
    MetadataResponse.Builder out = MetadataResponse.newBuilder().setControllerId(-1);
    image.cluster().brokers().values().stream()
        .filter(b -> !b.fenced())
        .sorted(Comparator.comparingInt(BrokerRegistration::id))
        .forEach(
            b -> {
              Optional<Endpoint> e = cache.endpoint(b);
              e.ifPresent(
                  endpoint ->
                      out.addBrokers(
                          MetadataResponse.Broker.newBuilder()
                              .setNodeId(b.id())
                              .setHost(endpoint.host())
                              .setPort(endpoint.port())
                              .setRack(b.rack().orElse(""))));
            });
    List<String> names =
        request.getTopicsCount() == 0
            ? image.topics().byName().keySet().stream().sorted().toList()
            : request.getTopicsList();
    for (String name : names) {
      TopicImage topic = image.topics().topic(name);
      out.addTopics(topic == null ? missingTopic(name, request) : describe(topic, image));
    }
    return out.build();
  }

  private MetadataResponse.Topic missingTopic(String name, MetadataRequest request) {
    MetadataResponse.Topic.Builder t = MetadataResponse.Topic.newBuilder().setName(name);
    if (autoCreateTopicsEnable && request.getAllowAutoTopicCreation()) {
      topicCreator
          .createTopic(name)
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  log.warn("auto-creating topic '{}' failed: {}", name, error.getMessage());
                }
              });
      // As Kafka: the topic exists once its metadata arrives; until then the client retries.
      return t.setErrorCode(ErrorCode.LEADER_NOT_AVAILABLE)
          .setErrorMessage("Topic '" + name + "' is being created.")
          .build();
    }
    return t.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        .setErrorMessage(
            "Topic '"
                + name
                + "' does not exist"
                + (autoCreateTopicsEnable
                    ? " (the request did not allow auto-creation)."
                    : " and auto.create.topics.enable is false."))
        .build();
  }

  private MetadataResponse.Topic describe(TopicImage topic, MetadataImage image) {
    MetadataResponse.Topic.Builder t =
        MetadataResponse.Topic.newBuilder().setName(topic.name()).setTopicId(topic.id());
    topic.partitions().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              PartitionRegistration p = e.getValue();
              List<Integer> offline = new ArrayList<>();
              for (int replica : p.replicas()) {
                BrokerRegistration b = image.cluster().broker(replica);
                if (b == null || b.fenced()) {
                  offline.add(replica);
                }
              }
              t.addPartitions(
                  MetadataResponse.Partition.newBuilder()
                      .setErrorCode(
                          p.isOffline() ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE)
                      .setPartition(e.getKey())
                      .setLeader(p.leader())
                      .setLeaderEpoch(p.leaderEpoch())
                      .addAllReplicas(p.replicas())
                      .addAllIsr(p.isr())
                      .addAllOfflineReplicas(offline));
            });
    return t.build();
  }
}
