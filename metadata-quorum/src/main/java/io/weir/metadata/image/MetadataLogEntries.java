package io.weir.metadata.image;

import com.google.protobuf.InvalidProtocolBufferException;
import io.weir.metadata.raft.Entry;
import io.weir.proto.v1.MetadataRecordBatch;
import io.weir.proto.v1.MetadataSnapshot;

/**
 * How the metadata log sits on Raft: each entry is one {@link MetadataRecordBatch} (one controller
 * decision, applied atomically, the image then at the entry's index), and a Raft snapshot is a
 * {@link MetadataSnapshot}. Shared by the controllers and the brokers so both build the same image.
 */
public final class MetadataLogEntries {
    private MetadataLogEntries() {
    }

    public static MetadataRecordBatch decode(Entry entry) {
        try {
            return MetadataRecordBatch.parseFrom(entry.data());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("metadata log entry " + entry.index() + " (term " + entry.term()
                    + ") is not a MetadataRecordBatch: " + e.getMessage(), e);
        }
    }

    /** {@code image} with the entry's batch applied; the result's offset is the entry's index. */
    public static MetadataImage apply(MetadataImage image, MetadataRecordBatch batch, long index) {
        return image.apply(batch.getRecordsList(), index);
    }

    public static byte[] snapshot(MetadataImage image) {
        return image.toSnapshot().toByteArray();
    }

    public static MetadataImage restore(byte[] snapshot) {
        try {
            return MetadataImage.fromSnapshot(MetadataSnapshot.parseFrom(snapshot));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("metadata snapshot of " + snapshot.length
                    + " bytes is not a MetadataSnapshot: " + e.getMessage(), e);
        }
    }
}
