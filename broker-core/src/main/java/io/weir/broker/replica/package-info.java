/** Hosted partitions led or followed per the metadata image: produce and fetch paths, ISR and high watermark, and the requests waiting in purgatory. */
package io.weir.broker.replica;
