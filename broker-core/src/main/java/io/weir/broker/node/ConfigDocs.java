package io.weir.broker.node;

/**
 * The reference page {@code docs/configuration.md}, generated from {@link ServerConfig#DEFINITION}
 * so that the documentation cannot drift from the keys the node reads. A test compares the
 * committed page with this output.
 */
public final class ConfigDocs {
  /** How to regenerate the page, from the repository root. */
  public static final String COMMAND = "bin/weir server --print-config-docs > docs/configuration.md";

  private ConfigDocs() {}

  public static String markdown() {
    return "# Server configuration\n"
        + "\n"
        + "<!-- Generated from ServerConfig.DEFINITION; do not edit. Regenerate with: " + COMMAND + " -->\n"
        + "\n"
        + "Every key a node reads from `server.properties` (or `weir server --override KEY=VALUE`). Names\n"
        + "follow Kafka's where the concept is the same. A key Weir does not know is logged as a warning\n"
        + "and ignored; an invalid value stops the node at start with a message naming the key and the\n"
        + "reason. Keys are sorted by importance, then name.\n"
        + "\n"
        + ServerConfig.DEFINITION.toMarkdownTable();
  }
}
