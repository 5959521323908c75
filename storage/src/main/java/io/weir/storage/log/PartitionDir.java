package io.weir.storage.log;

import io.weir.common.TopicPartition;

/** A partition's directory name in a log dir, {@code <topic>-<partition>}, and back. */
public final class PartitionDir {
  private PartitionDir() {}

  /**
   * @throws IllegalArgumentException for a topic that cannot name a directory or a negative
   *     partition
   */
  public static String name(TopicPartition tp) {
    String topic = tp.topic();
    if (topic.isEmpty() || topic.contains("/") || topic.equals(".") || topic.equals("..")) {
      throw new IllegalArgumentException("invalid topic name '" + topic + "' for a partition directory");
    }
    if (tp.partition() < 0) {
      throw new IllegalArgumentException("partition must be at least 0, was " + tp.partition());
    }
    return topic + "-" + tp.partition();
  }

  /** Parses a partition directory name; the topic may itself contain '-'. */
  public static TopicPartition parse(String name) {
    int dash = name.lastIndexOf('-');
    if (dash <= 0 || dash == name.length() - 1) {
      throw new IllegalArgumentException("directory name '" + name + "' is not <topic>-<partition>");
    }
    TopicPartition tp;
    try {
      tp = new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("directory name '" + name + "' does not end in a partition number", e);
    }
    name(tp);
    return tp;
  }
}
