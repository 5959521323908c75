package io.weir.client.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.common.config.ConfigException;
import io.weir.client.consumer.ConsumerConfig;
import io.weir.client.consumer.OffsetResetStrategy;
import io.weir.client.producer.ProducerConfig;
import io.weir.common.record.CompressionType;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConfigTest {
  private static Map<String, Object> base() {
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", "127.0.0.1:1,127.0.0.1:2");
    return m;
  }

  @Test
  void producerDefaultsAreKafkas() {
    ProducerConfig c = new ProducerConfig(base());
    assertEquals(-1, c.acks());
    assertTrue(c.idempotenceEnabled());
    assertEquals(16_384, c.getInt(ProducerConfig.BATCH_SIZE_CONFIG));
    assertEquals(5L, c.getLong(ProducerConfig.LINGER_MS_CONFIG));
    assertEquals(33_554_432L, c.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG));
    assertEquals(60_000L, c.getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG));
    assertEquals(120_000, c.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
    assertEquals(30_000, c.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
    assertEquals(100L, c.getLong(ProducerConfig.RETRY_BACKOFF_MS_CONFIG));
    assertEquals(5, c.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION));
    assertEquals(CompressionType.NONE, c.compressionType());
    assertEquals(2, c.getList(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG).size());
  }

  @Test
  void consumerDefaultsAreKafkas() {
    ConsumerConfig c = new ConsumerConfig(base());
    assertEquals(1, c.getInt(ConsumerConfig.FETCH_MIN_BYTES_CONFIG));
    assertEquals(500, c.getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
    assertEquals(52_428_800, c.getInt(ConsumerConfig.FETCH_MAX_BYTES_CONFIG));
    assertEquals(1_048_576, c.getInt(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG));
    assertEquals(500, c.getInt(ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
    assertEquals(OffsetResetStrategy.LATEST, c.offsetResetStrategy());
  }

  @Test
  void propertiesStringsAreParsed() {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", "h:1");
    p.setProperty("acks", "1");
    p.setProperty("linger.ms", " 50 ");
    p.setProperty("compression.type", "zstd");
    ProducerConfig c = new ProducerConfig(p);
    assertEquals(1, c.acks());
    assertFalse(c.idempotenceEnabled(), "an explicit acks=1 turns the idempotence default off, as in Kafka");
    assertEquals(50L, c.getLong(ProducerConfig.LINGER_MS_CONFIG));
    assertEquals(CompressionType.ZSTD, c.compressionType());
  }

  @Test
  void invalidValuesAreRejectedNamingTheKey() {
    assertNamed("acks", Map.of("acks", "2"));
    assertNamed("compression.type", Map.of("compression.type", "brotli"));
    assertNamed("linger.ms", Map.of("linger.ms", "soon"));
    assertNamed("batch.size", Map.of("batch.size", -1));
    assertNamed("enable.idempotence", Map.of("enable.idempotence", "yes"));
    assertNamed("acks", Map.of("enable.idempotence", "true", "acks", "1"));
    assertNamed("delivery.timeout.ms", Map.of("delivery.timeout.ms", "1000"));
    Map<String, Object> badClass = base();
    badClass.put("key.serializer", "no.such.Serializer");
    badClass.put("value.serializer", io.weir.client.common.serialization.StringSerializer.class);
    ConfigException noClass = assertThrows(ConfigException.class, () -> new io.weir.client.producer.WeirProducer<>(badClass));
    assertTrue(noClass.getMessage().contains("key.serializer"), noClass.getMessage());
    ConfigException missing = assertThrows(ConfigException.class, () -> new ProducerConfig(Map.of()));
    assertTrue(missing.getMessage().contains("bootstrap.servers"), missing.getMessage());
    Map<String, Object> badReset = base();
    badReset.put("auto.offset.reset", "smallest");
    ConfigException e = assertThrows(ConfigException.class, () -> new ConsumerConfig(badReset));
    assertTrue(e.getMessage().contains("auto.offset.reset"), e.getMessage());
  }

  private static void assertNamed(String key, Map<String, Object> overrides) {
    Map<String, Object> m = base();
    m.putAll(overrides);
    ConfigException e = assertThrows(ConfigException.class, () -> new ProducerConfig(m));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }
}
