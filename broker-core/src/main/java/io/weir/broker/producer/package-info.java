/** Idempotent producers: per-partition sequence state with snapshots, and producer ids from controller-allocated blocks. */
package io.weir.broker.producer;
