package io.weir.tools;

import io.weir.client.common.serialization.StringSerializer;
import io.weir.client.producer.ProducerRecord;
import io.weir.client.producer.WeirProducer;
import io.weir.common.record.Header;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weir produce}: one record per input line (Kafka's {@code kafka-console-producer.sh}). */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Send one record per line of stdin (or a file) to a topic.",
    footer = {"", "Examples:", "  echo hello | weir produce demo",
        "  weir produce demo --key-separator : --header source=cli -f records.txt"})
final class ProduceCommand extends ClientCommand {
  private final InputStream stdin;

  @Parameters(paramLabel = "TOPIC") String topic;
  @Option(names = "--key-separator", paramLabel = "SEP",
      description = "Split each line at the first SEP into key and value (a line without it has no key).")
  String keySeparator;
  @Option(names = "--header", paramLabel = "KEY=VALUE", description = "A header on every record.")
  Map<String, String> headers = new LinkedHashMap<>();
  @Option(names = "--partition", paramLabel = "P", description = "Send every record to this partition.")
  Integer partition;
  @Option(names = "--acks", defaultValue = "all", description = "all, 1 or 0 (default: ${DEFAULT-VALUE}).")
  String acks;
  @Option(names = "--compression", paramLabel = "TYPE", defaultValue = "none",
      description = "none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE}).")
  String compression;
  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read lines from FILE instead of stdin.")
  Path file;

  /** Reading the process's stdin, for a command line built without {@link Weir#commandLine}. */
  ProduceCommand() {
    this(System.in);
  }

  ProduceCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Override
  protected int execute() throws Exception {
    Map<String, Object> props = client.properties(Map.of(
        "request.timeout.ms", client.requestTimeoutMs,
        "max.block.ms", client.requestTimeoutMs,
        "linger.ms", 5,
        "delivery.timeout.ms", client.requestTimeoutMs + 5,
        "acks", acks,
        "compression.type", compression));
    List<Header> recordHeaders = new ArrayList<>();
    headers.forEach((k, v) -> recordHeaders.add(new Header(k, v.getBytes(StandardCharsets.UTF_8))));
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    int sent = 0;
    try (BufferedReader in = file != null ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
            : new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
         WeirProducer<String, String> producer = new WeirProducer<>(props, new StringSerializer(), new StringSerializer())) {
      String line;
      while ((line = in.readLine()) != null) {
        String key = null;
        String value = line;
        int at = keySeparator == null ? -1 : line.indexOf(keySeparator);
        if (at >= 0) {
          key = line.substring(0, at);
          value = line.substring(at + keySeparator.length());
        }
        producer.send(new ProducerRecord<>(topic, partition, null, key, value, recordHeaders), (metadata, e) -> {
          if (e != null) {
            failed.incrementAndGet();
            firstError.compareAndSet(null, e);
          }
        });
        sent++;
      }
      producer.flush();
    }
    if (failed.get() > 0) {
      Exception e = firstError.get();
      throw new IllegalStateException(failed.get() + " of " + sent + " records were not acknowledged: "
          + (e.getMessage() == null ? e.toString() : e.getMessage()));
    }
    return 0;
  }
}
