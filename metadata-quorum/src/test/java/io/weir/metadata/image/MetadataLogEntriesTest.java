package io.weir.metadata.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.raft.Entry;
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.MetadataRecordBatch;
import io.weir.proto.v1.TopicRecord;
import org.junit.jupiter.api.Test;

class MetadataLogEntriesTest {
    @Test
    void anEntryAppliesAtItsIndexAndASnapshotRestoresTheImage() {
        MetadataRecordBatch batch = MetadataRecordBatch.newBuilder().addRecords(MetadataRecord.newBuilder()
                .setTopic(TopicRecord.newBuilder().setName("t").setTopicId("id-1"))).build();
        Entry entry = new Entry(2, 7, Entry.Type.NORMAL, batch.toByteArray());
        MetadataImage image = MetadataLogEntries.apply(MetadataImage.EMPTY, MetadataLogEntries.decode(entry), 7);
        assertEquals(7, image.offset());
        assertEquals("id-1", image.topics().byName().get("t").id());
        assertEquals(image, MetadataLogEntries.restore(MetadataLogEntries.snapshot(image)));
    }

    @Test
    void corruptBytesAreRefusedByName() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MetadataLogEntries.decode(new Entry(3, 12, Entry.Type.NORMAL, garbage)));
        assertTrue(e.getMessage().startsWith("metadata log entry 12 (term 3) is not a MetadataRecordBatch"),
                e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> MetadataLogEntries.restore(garbage));
        assertTrue(e.getMessage().startsWith("metadata snapshot of 3 bytes is not a MetadataSnapshot"),
                e.getMessage());
    }
}
