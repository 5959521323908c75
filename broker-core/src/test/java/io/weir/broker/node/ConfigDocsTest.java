package io.weir.broker.node;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed configuration reference matches the declarations. */
class ConfigDocsTest {
  /** Surefire runs in the module's directory; the page lives at the repository root. */
  private static final Path PAGE = Path.of("..", "docs", "configuration.md");

  @Test
  void committedPageIsUpToDate() throws IOException {
    String generated = ConfigDocs.markdown();
    String committed = Files.isRegularFile(PAGE) ? Files.readString(PAGE, StandardCharsets.UTF_8) : "";
    if (!committed.equals(generated)) {
      fail("docs/configuration.md is stale: run " + ConfigDocs.COMMAND);
    }
  }
}
