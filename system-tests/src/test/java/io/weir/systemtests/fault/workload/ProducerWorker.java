package io.weir.systemtests.fault.workload;

import io.weir.client.producer.ProducerConfig;
import io.weir.client.producer.ProducerRecord;
import io.weir.client.producer.WeirProducer;
import io.weir.client.common.serialization.StringSerializer;
import io.weir.systemtests.fault.check.History.Outcome;
import io.weir.systemtests.fault.check.History.Send;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends keyed records with unique values ({@code name-seq}) at a fixed pace and records each
 * outcome. {@code guaranteed}: acks=all with idempotence; otherwise acks=1 without it, the contrast.
 */
public final class ProducerWorker implements AutoCloseable {
  private final String name;
  private final String topic;
  private final boolean guaranteed;
  private final Recorder recorder;
  private final WeirProducer<String, String> producer;
  private final ScheduledExecutorService pacer;
  private final Map<Long, String> pending = new ConcurrentHashMap<>(); // seq -> value, until its callback
  private long seq; // owned by the pacer thread

  public ProducerWorker(String name, String topic, boolean guaranteed, String bootstrap, long intervalMs,
      Recorder recorder) {
    this.name = name;
    this.topic = topic;
    this.guaranteed = guaranteed;
    this.recorder = recorder;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, name);
    p.put(ProducerConfig.ACKS_CONFIG, guaranteed ? "all" : "1");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(guaranteed));
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    this.producer = new WeirProducer<>(p, new StringSerializer(), new StringSerializer());
    this.pacer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "producer-" + name));
    pacer.scheduleAtFixedRate(this::sendOne, 0, intervalMs, TimeUnit.MILLISECONDS);
  }

  private void sendOne() {
    long s = seq++;
    String value = name + "-" + s;
    pending.put(s, value);
    try {
      producer.send(new ProducerRecord<>(topic, "k" + (s % 32), value), (md, e) -> {
        if (pending.remove(s) == null) {
          return; // already recorded as unknown at close
        }
        if (e == null) {
          recorder.send(Send.acked(name, guaranteed, s, value, md.topic() + "-" + md.partition(), md.offset()));
        } else {
          recorder.send(Send.notAcked(name, guaranteed, s, value, Outcome.FAILED, e.toString()));
        }
      });
    } catch (RuntimeException e) {
      // Refused before it was handed to the producer (metadata or buffer wait timed out): never written.
      if (pending.remove(s) != null) {
        recorder.send(Send.notAcked(name, guaranteed, s, value, Outcome.FAILED, e.toString()));
      }
    }
  }

  /** Stops sending, waits for outstanding sends up to the delivery timeout; the rest are unknown. */
  @Override
  public void close() {
    pacer.shutdown();
    try {
      pacer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(70));
    for (Map.Entry<Long, String> e : pending.entrySet()) {
      if (pending.remove(e.getKey()) != null) {
        recorder.send(Send.notAcked(name, guaranteed, e.getKey(), e.getValue(), Outcome.UNKNOWN, null));
      }
    }
  }
}
