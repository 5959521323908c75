package io.weir.tools;

import io.weir.client.admin.Admin;
import io.weir.client.admin.TopicDescription;
import io.weir.client.common.serialization.StringDeserializer;
import io.weir.client.consumer.ConsumerRecord;
import io.weir.client.consumer.ConsumerRecords;
import io.weir.client.consumer.OffsetAndMetadata;
import io.weir.client.consumer.WeirConsumer;
import io.weir.common.TopicPartition;
import io.weir.common.record.Header;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code weir consume}: prints a topic's records (Kafka's {@code kafka-console-consumer.sh}); in assign
 * mode committing nothing, or with {@code -g} as a member of a group, committing what it printed.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
    description = "Print records of a topic, one per line, from its partitions' ends (or beginnings).",
    footer = {"", "FMT placeholders: %k key, %v value, %t timestamp, %p partition, %o offset, %h headers, %% a %.",
        "", "Examples:", "  weir consume demo --from-beginning -n 10",
        "  weir consume demo --partition 0 --offset 42 --format '%p:%o %k=%v'",
        "  weir consume demo -g billing --timeout-ms 5000"})
final class ConsumeCommand extends ClientCommand {
  @Parameters(paramLabel = "TOPIC") String topic;
  @Option(names = "--from-beginning", description = "Start at each partition's first record, not its end.")
  boolean fromBeginning;
  @Option(names = "--partition", paramLabel = "P", description = "Only this partition.") Integer partition;
  @Option(names = "--offset", paramLabel = "O|earliest|latest",
      description = "Where to start in --partition: an offset, earliest or latest.")
  String offset;
  @Option(names = {"-n", "--max-messages"}, paramLabel = "MAX", description = "Exit after MAX records.")
  Integer max;
  @Option(names = "--format", paramLabel = "FMT", defaultValue = "%v", description = "Line format (default: %v).")
  String format;
  @Option(names = "--timeout-ms", paramLabel = "T", description = "Exit after T ms without a record.")
  Long timeoutMs;
  @Option(names = {"-g", "--group"}, paramLabel = "GROUP",
      description = "Consume as a member of GROUP from its committed offsets (--from-beginning: where it has none); "
          + "commit what was printed before exiting.")
  String group;

  @Override
  protected int execute() throws Exception {
    if (offset != null && partition == null) {
      throw new IllegalArgumentException("--offset needs --partition");
    }
    if (group != null && partition != null) {
      throw new IllegalArgumentException("--group cannot be used with --partition: the group assigns partitions");
    }
    List<TopicPartition> partitions;
    try (Admin admin = admin()) {
      TopicDescription d = admin.describeTopics(List.of(topic)).get().get(topic);
      partitions = d.partitions().stream().map(p -> new TopicPartition(topic, p.partition()))
          .filter(tp -> partition == null || tp.partition() == partition).toList();
    }
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " has no partition " + partition);
    }
    Map<String, Object> props = client.properties(Map.of(
        "request.timeout.ms", client.requestTimeoutMs, "default.api.timeout.ms", client.requestTimeoutMs));
    if (group != null) {
      props.put("group.id", group);
      props.put("enable.auto.commit", "false");
      props.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
    }
    int count = 0;
    // Next offset after the last printed record of each partition, what -g commits (command thread only).
    Map<TopicPartition, OffsetAndMetadata> printed = new HashMap<>();
    try (WeirConsumer<String, String> consumer =
             new WeirConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      if (group != null) {
        consumer.subscribe(List.of(topic));
      } else {
        consumer.assign(partitions);
        if (offset == null || offset.equals("latest")) {
          if (fromBeginning) {
            consumer.seekToBeginning(partitions);
          } else {
            consumer.seekToEnd(partitions);
          }
        } else if (offset.equals("earliest")) {
          consumer.seekToBeginning(partitions);
        } else {
          consumer.seek(partitions.get(0), parseOffset(offset));
        }
      }
      long lastRecord = System.currentTimeMillis();
      while (max == null || count < max) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, String> r : records) {
          if (max != null && count >= max) {
            break;
          }
          out().println(format(r));
          printed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
          count++;
        }
        out().flush();
        long now = System.currentTimeMillis();
        if (!records.isEmpty()) {
          lastRecord = now;
        } else if (timeoutMs != null && now - lastRecord >= timeoutMs) {
          break;
        }
      }
      if (group != null && !printed.isEmpty()) {
        consumer.commitSync(printed);
      }
    }
    err().println("Processed a total of " + count + " messages");
    return 0;
  }

  private static long parseOffset(String s) {
    try {
      long o = Long.parseLong(s);
      if (o >= 0) {
        return o;
      }
    } catch (NumberFormatException e) {
      // Reported below with the accepted forms.
    }
    throw new IllegalArgumentException("--offset must be a non-negative number, earliest or latest, not '" + s + "'");
  }

  String format(ConsumerRecord<String, String> r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 == format.length()) {
        sb.append(c);
        continue;
      }
      char f = format.charAt(++i);
      switch (f) {
        case 'k' -> sb.append(r.key());
        case 'v' -> sb.append(r.value());
        case 't' -> sb.append(r.timestamp());
        case 'p' -> sb.append(r.partition());
        case 'o' -> sb.append(r.offset());
        case 'h' -> sb.append(r.headers().stream().map(ConsumeCommand::header).collect(Collectors.joining(",")));
        case '%' -> sb.append('%');
        default -> sb.append('%').append(f);
      }
    }
    return sb.toString();
  }

  private static String header(Header h) {
    return h.key() + "=" + (h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
  }
}
