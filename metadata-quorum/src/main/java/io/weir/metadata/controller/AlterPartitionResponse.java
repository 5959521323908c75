package io.weir.metadata.controller;

import io.weir.metadata.image.PartitionRegistration;

/** The partition as it will be once committed, or an error (then {@code partition} is null). */
public record AlterPartitionResponse(ApiError error, PartitionRegistration partition) {
    static AlterPartitionResponse failed(Errors error, String message) {
        return new AlterPartitionResponse(ApiError.of(error, message), null);
    }
}
