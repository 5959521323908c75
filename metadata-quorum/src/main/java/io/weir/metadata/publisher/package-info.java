/**
 * Delivery of committed metadata images to their consumers (the broker's replica manager, metadata cache,
 * group coordinator): {@link io.weir.metadata.publisher.MetadataPublisher}.
 */
package io.weir.metadata.publisher;
