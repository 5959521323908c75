package io.weir.broker.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One real HTTP scrape of a node's {@code /metrics}, parsed from the Prometheus text format. A
 * plain HTTP/1.0 exchange on a socket: the JDK's HTTP clients leave threads behind that {@link
 * ThreadLeakCheck} would blame on the nodes.
 */
final class MetricsScrape {

  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private MetricsScrape(List<Sample> samples) {
    this.samples = samples;
  }

  static MetricsScrape of(int port) {
    String response;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("scraping 127.0.0.1:" + port + " failed", e);
    }
    int split = response.indexOf("\r\n\r\n");
    assertTrue(split > 0, response);
    String head = response.substring(0, split);
    assertTrue(head.startsWith("HTTP/1.1 200") || head.startsWith("HTTP/1.0 200"), head);
    assertTrue(head.toLowerCase(Locale.ROOT).contains("content-type: text/plain"), head);
    return new MetricsScrape(parse(response.substring(split + 4)));
  }

  /** The sum of the samples named {@code name} whose labels include {@code labels}; 0 when none. */
  double sum(String name, Map<String, String> labels) {
    return matching(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  double sum(String name) {
    return sum(name, Map.of());
  }

  List<Sample> matching(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }

  boolean has(String name, Map<String, String> labels) {
    return !matching(name, labels).isEmpty();
  }

  /** {@code name{a="b",c="d"} 1.0 [timestamp]}, skipping comments; label values may escape \\, \" and \n. */
  private static List<Sample> parse(String body) {
    List<Sample> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int i = 0;
      while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
        i++;
      }
      String name = line.substring(0, i);
      Map<String, String> labels = new LinkedHashMap<>();
      if (line.charAt(i) == '{') {
        i++;
        while (line.charAt(i) != '}') {
          int eq = line.indexOf('=', i);
          String key = line.substring(i, eq).trim();
          StringBuilder value = new StringBuilder();
          int j = eq + 2; // past ="
          while (line.charAt(j) != '"') {
            char c = line.charAt(j);
            if (c == '\\') {
              c = line.charAt(++j);
              value.append(c == 'n' ? '\n' : c);
            } else {
              value.append(c);
            }
            j++;
          }
          labels.put(key, value.toString());
          i = j + 1;
          if (line.charAt(i) == ',') {
            i++;
          }
        }
        i++;
      }
      String[] rest = line.substring(i).trim().split(" ");
      String v = rest[0];
      out.add(new Sample(name, labels, v.equals("+Inf") ? Double.POSITIVE_INFINITY
          : v.equals("-Inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(v)));
    }
    return out;
  }
}
