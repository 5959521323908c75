/**
 * The Raft runtime: the I/O around the deterministic core of {@code io.weir.metadata.raft}.
 *
 * <ul>
 *   <li>{@link io.weir.metadata.raft.runtime.RaftRuntime} runs one voter: a driver thread owns the core,
 *       the {@link io.weir.metadata.raft.runtime.KvRaftStorage} (RocksDB through the storage module's
 *       {@code KvStore}) and the application's {@link io.weir.metadata.raft.runtime.StateMachine}, and
 *       handles each {@code Ready} as persist (one synced batch), send, apply, advance.</li>
 *   <li>{@code RaftService} (weir/v1/raft.proto) on the
 *       {@link io.weir.metadata.raft.runtime.ControllerListener}: one long-lived stream per peer carries
 *       the core's messages; {@code Propose}, {@code DescribeQuorum} and {@code FetchCommitted} serve
 *       clients, refusing with the leader's id and address on other voters.</li>
 *   <li>{@link io.weir.metadata.raft.runtime.RaftObserver} is how brokers follow the committed log, and
 *       {@link io.weir.metadata.raft.runtime.QuorumClient} how tools reach the leader.</li>
 *   <li>{@link io.weir.metadata.raft.runtime.QuorumConfig} reads Kafka's {@code controller.quorum.*}
 *       keys.</li>
 * </ul>
 */
package io.weir.metadata.raft.runtime;
