package io.weir.storage.log;

/** A partition of a topic; its log lives in {@code <log.dir>/<topic>-<partition>/}. */
public record TopicPartition(String topic, int partition) {
  public TopicPartition {
    if (topic == null || topic.isEmpty() || topic.contains("/") || topic.equals(".") || topic.equals("..")) {
      throw new IllegalArgumentException("invalid topic name '" + topic + "'");
    }
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be at least 0, was " + partition);
    }
  }

  public String dirName() {
    return topic + "-" + partition;
  }

  /** Parses a partition directory name; the topic may itself contain '-'. */
  public static TopicPartition fromDirName(String name) {
    int dash = name.lastIndexOf('-');
    if (dash <= 0 || dash == name.length() - 1) {
      throw new IllegalArgumentException(
          "directory name '" + name + "' is not <topic>-<partition>");
    }
    try {
      return new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "directory name '" + name + "' does not end in a partition number", e);
    }
  }

  @Override
  public String toString() {
    return dirName();
  }
}
