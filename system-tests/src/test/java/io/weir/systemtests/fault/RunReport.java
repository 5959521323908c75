package io.weir.systemtests.fault;

import io.weir.systemtests.fault.check.CheckResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;

/** The JSON report of one run, written under {@code system-tests/target/system-test-reports/}. */
public record RunReport(RunSpec spec, List<String> steps, CheckResult result, double seconds, String error) {
  public Path write(Path dir) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(spec.id() + ".json");
      Files.writeString(file, toJson(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String toJson() {
    StringBuilder b = new StringBuilder("{\n");
    field(b, "seed", Long.toString(spec.seed()));
    field(b, "schedule", quote(spec.schedule().name()));
    field(b, "layout", quote(spec.layout().name()));
    field(b, "lossy", Boolean.toString(spec.lossy()));
    field(b, "faultPhaseSeconds", Long.toString(spec.faultPhase().toSeconds()));
    field(b, "seconds", String.format("%.1f", seconds));
    field(b, "replay", quote(spec.replayCommand()));
    field(b, "steps", array(steps));
    if (result != null) {
      StringJoiner counts = new StringJoiner(", ", "{", "}");
      counts.add("\"sent\": " + result.sent());
      counts.add("\"acknowledged\": " + result.acknowledged());
      counts.add("\"lost\": " + result.lost());
      counts.add("\"duplicated\": " + result.duplicated());
      counts.add("\"reordered\": " + result.reordered());
      counts.add("\"unknown\": " + result.unknown());
      counts.add("\"unknownPresent\": " + result.unknownPresent());
      counts.add("\"duplicateOffsets\": " + result.duplicateOffsets());
      counts.add("\"phantoms\": " + result.phantoms());
      counts.add("\"unconsumed\": " + result.unconsumed());
      counts.add("\"polled\": " + result.polled());
      counts.add("\"nonMonotonicPolls\": " + result.nonMonotonicPolls());
      counts.add("\"commits\": " + result.commits());
      counts.add("\"commitRegressions\": " + result.commitRegressions());
      field(b, "counts", counts.toString());
      field(b, "contrast", "{\"sent\": " + result.contrastSent() + ", \"acknowledged\": "
          + result.contrastAcknowledged() + ", \"lost\": " + result.contrastLost() + ", \"duplicated\": "
          + result.contrastDuplicated() + "}");
      field(b, "violations", array(result.violations()));
    }
    b.append("  \"error\": ").append(error == null ? "null" : quote(error)).append("\n}\n");
    return b.toString();
  }

  private static void field(StringBuilder b, String name, String json) {
    b.append("  ").append(quote(name)).append(": ").append(json).append(",\n");
  }

  private static String array(List<String> items) {
    StringJoiner j = new StringJoiner(",\n    ", "[\n    ", "\n  ]");
    j.setEmptyValue("[]");
    items.forEach(i -> j.add(quote(i)));
    return j.toString();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
