package io.weir.client.test;

import io.weir.client.common.serialization.StringDeserializer;
import io.weir.client.common.serialization.StringSerializer;
import io.weir.client.consumer.WeirConsumer;
import io.weir.client.producer.WeirProducer;
import java.util.HashMap;
import java.util.Map;

/** Client factories for tests, with String keys and values. */
public final class Clients {
  private Clients() {}

  public static WeirProducer<String, String> producer(WeirCluster cluster, Map<String, Object> overrides) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", cluster.bootstrapServers());
    props.putAll(overrides);
    return new WeirProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  public static WeirConsumer<String, String> consumer(WeirCluster cluster, Map<String, Object> overrides) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", cluster.bootstrapServers());
    props.put("auto.offset.reset", "earliest");
    props.putAll(overrides);
    return new WeirConsumer<>(props, new StringDeserializer(), new StringDeserializer());
  }
}
