/**
 * The metadata image: the state every controller and broker builds by applying
 * the committed metadata records in log order. Images are immutable values;
 * {@link io.weir.metadata.image.MetadataDelta} turns one image plus records into
 * the next. Two nodes that applied the same records to the same offset hold
 * equal images, and an image's snapshot records rebuild an equal image.
 */
package io.weir.metadata.image;
