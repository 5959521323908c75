package io.weir.metadata.controller;

import io.weir.metadata.image.MetadataImage;
import io.weir.proto.v1.MetadataRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The records one operation emits, together with the image they lead to, so a
 * later step of the same operation decides on the state the earlier steps made
 * (e.g. fencing a second broker sees the first one fenced already).
 *
 * <p>Owned by the one call that creates it; never shared.
 */
final class RecordBuffer {
    private MetadataImage image;
    private final List<MetadataRecord> records = new ArrayList<>();

    RecordBuffer(MetadataImage image) {
        this.image = image;
    }

    MetadataImage image() {
        return image;
    }

    void add(MetadataRecord record) {
        addAll(List.of(record));
    }

    void addAll(List<MetadataRecord> batch) {
        if (batch.isEmpty()) {
            return;
        }
        // Offsets are the log's business; the working image keeps the caller's offset.
        image = image.apply(batch, image.offset());
        records.addAll(batch);
    }

    List<MetadataRecord> records() {
        return records;
    }

    <T> ControllerResult<T> result(T response) {
        return ControllerResult.of(records, response);
    }
}
