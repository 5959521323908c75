package io.weir.client.producer;

import io.weir.client.common.PartitionInfo;
import io.weir.client.common.errors.ApiException;
import io.weir.client.common.errors.InterruptException;
import io.weir.client.common.errors.SerializationException;
import io.weir.client.common.errors.TimeoutException;
import io.weir.client.common.network.ChannelPool;
import io.weir.client.common.network.Cluster;
import io.weir.client.common.network.Metadata;
import io.weir.client.common.serialization.Serializer;
import io.weir.client.producer.internals.BuiltInPartitioner;
import io.weir.client.producer.internals.ProducerBatch;
import io.weir.client.producer.internals.RecordAccumulator;
import io.weir.client.producer.internals.Sender;
import io.weir.common.TopicPartition;
import io.weir.common.config.ConfigException;
import io.weir.common.record.Header;
import io.weir.proto.v1.ErrorCode;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kafka's producer over Weir's gRPC protocol. Thread-safe: any number of threads may send; one
 * background thread ({@code weir-producer-network-thread | client.id}) does all network I/O and runs
 * callbacks.
 */
public final class WeirProducer<K, V> implements Producer<K, V> {
  private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);
  /** Room for protobuf framing around a produce response or metadata. */
  private static final int MAX_INBOUND = 16 << 20;

  private final ProducerConfig config;
  private final Serializer<K> keySerializer;
  private final Serializer<V> valueSerializer;
  private final ChannelPool channels;
  private final Metadata metadata;
  private final RecordAccumulator accumulator;
  private final BuiltInPartitioner partitioner;
  private final Sender sender;
  private final Thread ioThread;
  private final long maxBlockMs;
  private final int maxRequestSize;
  private final boolean ignoreKeys;

  public WeirProducer(Properties props) {
    this(new ProducerConfig(props), null, null);
  }

  public WeirProducer(Map<String, ?> configs) {
    this(new ProducerConfig(configs), null, null);
  }

  public WeirProducer(Properties props, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    this(new ProducerConfig(props), keySerializer, valueSerializer);
  }

  public WeirProducer(Map<String, ?> configs, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    this(new ProducerConfig(configs), keySerializer, valueSerializer);
  }

  @SuppressWarnings("unchecked")
  private WeirProducer(ProducerConfig config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    this.config = config;
    this.keySerializer = keySerializer != null ? keySerializer : required(config, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
    this.valueSerializer = valueSerializer != null ? valueSerializer : required(config, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
    this.keySerializer.configure(config.originals(), true);
    this.valueSerializer.configure(config.originals(), false);
    this.maxBlockMs = config.getLong(ProducerConfig.MAX_BLOCK_MS_CONFIG);
    this.maxRequestSize = config.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    this.ignoreKeys = config.getBoolean(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG);
    long retryBackoffMs = config.getLong(ProducerConfig.RETRY_BACKOFF_MS_CONFIG);
    int requestTimeoutMs = config.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
    this.channels = new ChannelPool(MAX_INBOUND);
    this.metadata =
        new Metadata(
            config.getList(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG),
            channels,
            config.getLong(ProducerConfig.METADATA_MAX_AGE_CONFIG),
            requestTimeoutMs,
            retryBackoffMs);
    int batchSize = Math.max(1, config.getInt(ProducerConfig.BATCH_SIZE_CONFIG));
    int deliveryTimeoutMs = config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
    this.accumulator =
        new RecordAccumulator(
            batchSize,
            config.getLong(ProducerConfig.LINGER_MS_CONFIG),
            config.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG),
            config.compressionType(),
            deliveryTimeoutMs);
    this.partitioner = new BuiltInPartitioner(batchSize);
    this.sender =
        new Sender(
            accumulator,
            metadata,
            channels,
            new Sender.Settings(
                config.acks(),
                config.idempotenceEnabled(),
                config.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION),
                maxRequestSize,
                config.getInt(ProducerConfig.RETRIES_CONFIG),
                retryBackoffMs,
                requestTimeoutMs,
                deliveryTimeoutMs));
    String clientId = config.getString(ProducerConfig.CLIENT_ID_CONFIG);
    if (clientId.isEmpty()) {
      clientId = "producer-" + CLIENT_IDS.getAndIncrement();
    }
    this.ioThread = new Thread(sender, "weir-producer-network-thread | " + clientId);
    ioThread.setDaemon(true);
    ioThread.start();
  }

  private static <T> Serializer<T> required(ProducerConfig config, String key) {
    @SuppressWarnings("unchecked")
    Serializer<T> s = config.getConfiguredInstance(key, Serializer.class);
    if (s == null) {
      throw new ConfigException(
          "Missing required configuration \"" + key + "\" which has no default value.");
    }
    return s;
  }

  public ProducerConfig config() {
    return config;
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
    return send(record, null);
  }

  /**
   * Serializes, partitions and appends the record; blocks up to {@code max.block.ms} for metadata
   * and buffer memory. Errors before the record is queued come back as a failed future and through
   * the callback, as in Kafka.
   */
  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
    try {
      long deadline = System.currentTimeMillis() + maxBlockMs;
      Cluster cluster = metadata.awaitTopic(record.topic(), deadline, maxBlockMs);
      List<Header> headers = List.copyOf(record.headers());
      byte[] key = serialize(keySerializer, record.topic(), headers, record.key(), "key");
      byte[] value = serialize(valueSerializer, record.topic(), headers, record.value(), "value");
      int numPartitions = cluster.partitionsFor(record.topic()).size();
      int partition;
      boolean sticky = false;
      if (record.partition() != null) {
        partition = record.partition();
        if (partition >= numPartitions) {
          throw new IllegalArgumentException("Invalid partition given with record: " + partition
              + " is not in the range [0..." + numPartitions + "].");
        }
      } else if (key != null && !ignoreKeys) {
        partition = BuiltInPartitioner.partitionForKey(key, numPartitions);
      } else {
        partition = partitioner.stickyPartition(record.topic(), cluster);
        sticky = true;
      }
      int size = RecordAccumulator.recordSizeUpperBound(key, value, headers);
      if (size > maxRequestSize) {
        throw new ApiException(ErrorCode.MESSAGE_TOO_LARGE, "The message is " + size
            + " bytes when serialized which is larger than " + maxRequestSize
            + ", which is the value of the max.request.size configuration.");
      }
      long timestamp = record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
      RecordAccumulator.AppendResult result =
          accumulator.append(new TopicPartition(record.topic(), partition), timestamp, key, value, headers, callback, deadline, maxBlockMs);
      if (sticky) {
        partitioner.onAppend(record.topic(), partition, size, cluster);
      }
      if (result.batchFull() || result.newBatch()) {
        sender.wakeup();
      }
      return result.future();
    } catch (ApiException | TimeoutException e) {
      // As in Kafka: API errors reach the future and callback; misuse and serialization errors throw.
      if (callback != null) {
        callback.onCompletion(null, e);
      }
      return CompletableFuture.failedFuture(e);
    }
  }

  private static <T> byte[] serialize(Serializer<T> s, String topic, List<Header> headers, T data, String what) {
    try {
      return s.serialize(topic, headers, data);
    } catch (ClassCastException e) {
      throw new SerializationException("Can't convert " + what + " of class " + data.getClass().getName()
          + " to the class of the configured " + what + " serializer", e);
    }
  }

  @Override
  public void flush() {
    Collection<ProducerBatch> pending = accumulator.beginFlush();
    sender.wakeup();
    try {
      for (ProducerBatch b : pending) {
        try {
          b.doneFuture().get();
        } catch (ExecutionException e) {
          // Failures reach the records' futures and callbacks.
        }
      }
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    } finally {
      accumulator.endFlush();
    }
  }

  @Override
  public List<PartitionInfo> partitionsFor(String topic) {
    return metadata.awaitTopic(topic, System.currentTimeMillis() + maxBlockMs, maxBlockMs).partitionsFor(topic);
  }

  @Override
  public void close() {
    close(Duration.ofMillis(Long.MAX_VALUE));
  }

  /**
   * Sends what is buffered and waits up to {@code timeout} for it; then fails what is left. A zero
   * timeout fails everything unsent at once. Called from a callback (the I/O thread) it cannot wait.
   */
  @Override
  public void close(Duration timeout) {
    long ms = timeout.toMillis();
    if (Thread.currentThread() == ioThread) {
      ms = 0;
    }
    accumulator.close();
    if (ms <= 0) {
      sender.forceClose();
    } else {
      sender.initiateClose();
    }
    if (Thread.currentThread() != ioThread) {
      try {
        ioThread.join(ms == Long.MAX_VALUE ? 0 : Math.max(1, ms));
        if (ioThread.isAlive()) {
          sender.forceClose();
          ioThread.join(TimeUnit.SECONDS.toMillis(30));
        }
      } catch (InterruptedException e) {
        sender.forceClose();
        throw new InterruptException(e);
      } finally {
        channels.close();
        keySerializer.close();
        valueSerializer.close();
      }
    }
  }
}
