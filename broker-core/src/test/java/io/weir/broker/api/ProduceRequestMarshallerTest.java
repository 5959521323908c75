package io.weir.broker.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.weir.proto.v1.ProduceRequest;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ProduceRequestMarshallerTest {
  private static ProduceRequest.PartitionData partition(int p, String bytes) {
    return ProduceRequest.PartitionData.newBuilder().setPartition(p).setRecords(ByteString.copyFromUtf8(bytes)).build();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void parsesWhatTheGeneratedCodeWritesAndSkipsUnknownFields() throws Exception {
    ProduceRequest request = ProduceRequest.newBuilder()
        .setAcks(-1)
        .setTimeoutMs(1234)
        .addTopics(ProduceRequest.TopicData.newBuilder().setName("a").addPartitions(partition(0, "zero")).addPartitions(partition(7, "seven")))
        .addTopics(ProduceRequest.TopicData.newBuilder().setName("b").addPartitions(partition(1, "")))
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("future")).build())
            .build())
        .build();
    ProduceRequestMarshaller.Request parsed = ProduceRequestMarshaller.parse(request.toByteArray());
    assertEquals(-1, parsed.acks());
    assertEquals(1234, parsed.timeoutMs());
    assertEquals(2, parsed.topics().size());
    assertEquals("a", parsed.topics().get(0).name());
    assertEquals(7, parsed.topics().get(0).partitions().get(1).partition());
    assertArrayEquals("seven".getBytes(), bytes(parsed.topics().get(0).partitions().get(1).records()));
    assertEquals(0, parsed.topics().get(1).partitions().get(0).records().remaining());
    // Both windows share one array and are writable: no copy per partition.
    ByteBuffer zero = parsed.topics().get(0).partitions().get(0).records();
    ByteBuffer seven = parsed.topics().get(0).partitions().get(1).records();
    assertFalse(zero.isReadOnly());
    assertSame(zero.array(), seven.array());
    // And the client-side stream writes the same message back.
    ProduceRequest again = ProduceRequest.parseFrom(new ProduceRequestMarshaller().stream(parsed));
    assertEquals(request.toBuilder().setUnknownFields(UnknownFieldSet.getDefaultInstance()).build(), again);
  }

  @Test
  void malformedRequestIsReportedNotThrown() {
    byte[] truncated = ProduceRequest.newBuilder()
        .addTopics(ProduceRequest.TopicData.newBuilder().setName("a").addPartitions(partition(0, "0123456789")))
        .build().toByteArray();
    byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 3);
    ProduceRequestMarshaller.Request parsed = new ProduceRequestMarshaller().parse(new ByteArrayInputStream(cut));
    assertTrue(parsed.malformed().startsWith("malformed produce request"), parsed.malformed());
    assertNull(new ProduceRequestMarshaller().parse(new ByteArrayInputStream(truncated)).malformed());
  }
}
