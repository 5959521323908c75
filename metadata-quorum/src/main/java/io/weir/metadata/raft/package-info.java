/**
 * The Raft core of the metadata quorum: consensus as a deterministic state machine, after etcd's raft
 * library. {@link io.weir.metadata.raft.RaftNode} takes messages, ticks, proposals and reads, and hands out
 * {@link io.weir.metadata.raft.Ready} values saying what to persist, send and apply; the runtime around it
 * owns threads, the network (gRPC) and the disk (a {@link io.weir.metadata.raft.RaftStorage} it also writes).
 * Nothing here performs I/O, reads a clock or starts a thread.
 */
package io.weir.metadata.raft;
