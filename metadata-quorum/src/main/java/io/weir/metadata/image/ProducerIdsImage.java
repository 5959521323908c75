package io.weir.metadata.image;

/** The next producer id not yet handed out in a block. */
public record ProducerIdsImage(long nextProducerId) {
    public static final ProducerIdsImage EMPTY = new ProducerIdsImage(0);
}
