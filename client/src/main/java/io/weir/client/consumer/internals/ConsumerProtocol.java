package io.weir.client.consumer.internals;

import io.weir.client.consumer.assignor.ConsumerPartitionAssignor.Subscription;
import io.weir.common.TopicPartition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes consumers exchange through the coordinator (protocol type {@code consumer}): a
 * subscription in JoinGroup metadata, an assignment in SyncGroup. Versioned so members of
 * different versions can share a group.
 */
public final class ConsumerProtocol {
  public static final String PROTOCOL_TYPE = "consumer";
  private static final short VERSION = 0;

  private ConsumerProtocol() {}

  public static byte[] serializeSubscription(Subscription s) {
    return write(out -> {
      out.writeInt(s.topics().size());
      for (String t : s.topics()) {
        out.writeUTF(t);
      }
      writePartitions(out, s.ownedPartitions());
      out.writeInt(s.generation());
    });
  }

  public static Subscription deserializeSubscription(byte[] bytes) {
    DataInputStream in = reader(bytes);
    try {
      int n = in.readInt();
      List<String> topics = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        topics.add(in.readUTF());
      }
      List<TopicPartition> owned = readPartitions(in);
      return new Subscription(topics, owned, in.readInt());
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed consumer subscription: " + e.getMessage(), e);
    }
  }

  public static byte[] serializeAssignment(List<TopicPartition> partitions) {
    return write(out -> writePartitions(out, partitions));
  }

  public static List<TopicPartition> deserializeAssignment(byte[] bytes) {
    if (bytes.length == 0) {
      return List.of(); // a member the leader gave nothing
    }
    try {
      return readPartitions(reader(bytes));
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed consumer assignment: " + e.getMessage(), e);
    }
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Writer body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeShort(VERSION);
      body.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static DataInputStream reader(byte[] bytes) {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    try {
      short version = in.readShort();
      if (version < VERSION) {
        throw new IllegalArgumentException("unsupported consumer protocol version " + version);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed consumer protocol bytes", e);
    }
    return in;
  }

  private static void writePartitions(DataOutputStream out, List<TopicPartition> partitions) throws IOException {
    out.writeInt(partitions.size());
    for (TopicPartition tp : partitions) {
      out.writeUTF(tp.topic());
      out.writeInt(tp.partition());
    }
  }

  private static List<TopicPartition> readPartitions(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<TopicPartition> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new TopicPartition(in.readUTF(), in.readInt()));
    }
    return out;
  }
}
