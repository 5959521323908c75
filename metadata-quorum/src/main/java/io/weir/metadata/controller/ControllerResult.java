package io.weir.metadata.controller;

import io.weir.proto.v1.MetadataRecord;
import java.util.List;

/**
 * What a controller operation decided: records to commit through Raft, and the
 * response to give once they are committed (an empty record list answers at once).
 */
public record ControllerResult<T>(List<MetadataRecord> records, T response) {
    public ControllerResult {
        records = List.copyOf(records);
    }

    public static <T> ControllerResult<T> of(List<MetadataRecord> records, T response) {
        return new ControllerResult<>(records, response);
    }

    public static <T> ControllerResult<T> noRecords(T response) {
        return new ControllerResult<>(List.of(), response);
    }
}
