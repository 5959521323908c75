package io.weir.metadata.controller;

/** Producer ids [firstProducerId, firstProducerId + size) now owned by one broker. */
public record ProducerIdsBlock(ApiError error, long firstProducerId, int size) {
    public static final int BLOCK_SIZE = 1000;
}
