package io.weir.broker.group;

import com.google.protobuf.InvalidProtocolBufferException;
import io.weir.common.TopicPartition;
import io.weir.proto.v1.GroupMetadataValue;
import io.weir.proto.v1.OffsetCommitValue;
import java.nio.charset.StandardCharsets;

/**
 * Keys and values of {@code __consumer_offsets} records. Keys are text so compaction keeps the
 * latest per group and partition: {@code o\0group\0topic\0partition} for offsets, {@code
 * g\0group} for group metadata ({@code \0} cannot occur in group or topic names we accept).
 */
final class GroupRecords {
  private static final char SEP = '\0';

  private GroupRecords() {}

  /** A decoded key: an offset key has a partition, a group key does not. */
  record Key(String groupId, TopicPartition partition) {
    boolean isOffset() {
      return partition != null;
    }
  }

  static byte[] offsetKey(String groupId, TopicPartition tp) {
    return ("o" + SEP + groupId + SEP + tp.topic() + SEP + tp.partition()).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] groupKey(String groupId) {
    return ("g" + SEP + groupId).getBytes(StandardCharsets.UTF_8);
  }

  static Key parseKey(byte[] key) {
    String[] parts = new String(key, StandardCharsets.UTF_8).split(String.valueOf(SEP), -1);
    if (parts.length == 2 && parts[0].equals("g")) {
      return new Key(parts[1], null);
    }
    if (parts.length == 4 && parts[0].equals("o")) {
      try {
        return new Key(parts[1], new TopicPartition(parts[2], Integer.parseInt(parts[3])));
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException("not a __consumer_offsets key: " + new String(key, StandardCharsets.UTF_8));
  }

  static OffsetCommitValue parseOffset(byte[] value) {
    try {
      return OffsetCommitValue.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("corrupt offset commit value: " + e.getMessage(), e);
    }
  }

  static GroupMetadataValue parseGroup(byte[] value) {
    try {
      return GroupMetadataValue.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("corrupt group metadata value: " + e.getMessage(), e);
    }
  }
}
