/** The broker's public gRPC services (Metadata, Produce with InitProducerId, Fetch, Offsets) over the replica manager and the metadata cache; every failure is a per-partition error code. */
package io.weir.broker.api;
