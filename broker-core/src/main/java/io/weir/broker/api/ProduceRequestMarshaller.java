package io.weir.broker.api;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.weir.proto.v1.ProduceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code weir.v1.ProduceRequest} so that each partition's {@code records} is a writable
 * window on the one array the request was read into: the log then stamps offsets into that window
 * and writes it, and the record bytes are copied once on the produce path (network buffer to this
 * array) rather than three times (array, ByteString, append buffer). The wire format is the
 * generated message's; unknown fields are skipped as protobuf does.
 */
final class ProduceRequestMarshaller implements MethodDescriptor.Marshaller<ProduceRequestMarshaller.Request> {
  /**
   * A parsed produce request; {@code malformed} says what is wrong with one that could not be parsed
   * (the handler answers it with INVALID_ARGUMENT: gRPC would report a parse exception as UNKNOWN).
   */
  record Request(int acks, int timeoutMs, List<Topic> topics, String malformed) {
    static Request malformed(String why) {
      return new Request(0, 0, List.of(), why);
    }
  }

  record Topic(String name, List<PartitionRecords> partitions) {}

  /** @param records a writable window on the request's array */
  record PartitionRecords(int partition, ByteBuffer records) {}

  @Override
  public InputStream stream(Request value) {
    // Only servers use this marshaller; a client side is given for completeness.
    ProduceRequest.Builder b = ProduceRequest.newBuilder().setAcks(value.acks()).setTimeoutMs(value.timeoutMs());
    for (Topic t : value.topics()) {
      ProduceRequest.TopicData.Builder tb = ProduceRequest.TopicData.newBuilder().setName(t.name());
      for (PartitionRecords p : t.partitions()) {
        tb.addPartitions(ProduceRequest.PartitionData.newBuilder()
            .setPartition(p.partition())
            .setRecords(UnsafeByteOperations.unsafeWrap(p.records().duplicate())));
      }
      b.addTopics(tb);
    }
    return b.build().toByteString().newInput();
  }

  @Override
  public Request parse(InputStream stream) {
    try {
      byte[] buf;
      if (stream instanceof KnownLength) {
        buf = new byte[stream.available()];
        int n = stream.readNBytes(buf, 0, buf.length);
        if (n != buf.length) {
          throw new IOException("produce request ended after " + n + " of " + buf.length + " bytes");
        }
      } else {
        buf = stream.readAllBytes();
      }
      return parse(buf);
    } catch (InvalidProtocolBufferException e) {
      return Request.malformed("malformed produce request: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Request parse(byte[] buf) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(buf);
    int acks = 0;
    int timeoutMs = 0;
    List<Topic> topics = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (field(tag)) {
        case 1 -> acks = varint(in, tag);
        case 2 -> timeoutMs = varint(in, tag);
        case 3 -> {
          int limit = pushMessage(in, tag);
          topics.add(parseTopic(in, buf));
          in.popLimit(limit);
        }
        default -> in.skipField(tag);
      }
    }
    return new Request(acks, timeoutMs, topics, null);
  }

  private static Topic parseTopic(CodedInputStream in, byte[] buf) throws IOException {
    String name = "";
    List<PartitionRecords> partitions = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (field(tag) == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        name = in.readStringRequireUtf8();
      } else if (field(tag) == 2) {
        int limit = pushMessage(in, tag);
        partitions.add(parsePartition(in, buf));
        in.popLimit(limit);
      } else {
        in.skipField(tag);
      }
    }
    return new Topic(name, partitions);
  }

  private static PartitionRecords parsePartition(CodedInputStream in, byte[] buf) throws IOException {
    int partition = 0;
    ByteBuffer records = ByteBuffer.allocate(0);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (field(tag) == 1) {
        partition = varint(in, tag);
      } else if (field(tag) == 2 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int length = in.readRawVarint32();
        int position = in.getTotalBytesRead();
        if (length < 0 || position + length > buf.length) {
          throw new InvalidProtocolBufferException("records run past the end of the request");
        }
        in.skipRawBytes(length);
        records = ByteBuffer.wrap(buf, position, length).slice();
      } else {
        in.skipField(tag);
      }
    }
    return new PartitionRecords(partition, records);
  }

  private static int field(int tag) {
    return WireFormat.getTagFieldNumber(tag);
  }

  private static int varint(CodedInputStream in, int tag) throws IOException {
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_VARINT) {
      throw new InvalidProtocolBufferException("field " + field(tag) + " must be a varint");
    }
    return in.readInt32();
  }

  private static int pushMessage(CodedInputStream in, int tag) throws IOException {
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      throw new InvalidProtocolBufferException("field " + field(tag) + " must be a message");
    }
    return in.pushLimit(in.readRawVarint32());
  }
}
