package io.weir.metadata.raft;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Static configuration of one Raft node. The membership is fixed: voters are the controllers of
 * {@code controller.quorum.voters}, observers are brokers that follow the committed log.
 *
 * @param nodeId this node's id; must be one of {@code voters} or {@code observers}
 * @param voters ids of the voting members, ascending, no duplicates
 * @param observers ids of the non-voting members the leader replicates to, ascending, disjoint from voters
 * @param electionTimeoutTicks ticks without hearing from a leader before a voter campaigns; the actual
 *     timeout is drawn at random from {@code [electionTimeoutTicks, 2 * electionTimeoutTicks)}
 * @param heartbeatTicks ticks between leader heartbeats; must be below the election timeout
 * @param maxEntriesPerAppend upper bound on entries in one AppendEntries request
 * @param maxBytesPerAppend upper bound on entry bytes in one AppendEntries request and in the committed
 *     entries of one Ready (at least one entry always goes, so a single large entry cannot stall progress)
 * @param maxInflightAppends AppendEntries requests a leader pipelines to one follower before waiting
 * @param maxUncommittedBytes entry bytes a leader accepts beyond its commit index before it throttles
 *     proposals (a proposal into an empty backlog is always accepted, however large)
 * @param snapshotChunkBytes payload bytes per InstallSnapshot chunk
 * @param randomSeed seed of the generator for randomised election timeouts, the core's only randomness
 */
public record RaftConfig(
        int nodeId,
        List<Integer> voters,
        List<Integer> observers,
        int electionTimeoutTicks,
        int heartbeatTicks,
        int maxEntriesPerAppend,
        long maxBytesPerAppend,
        int maxInflightAppends,
        long maxUncommittedBytes,
        int snapshotChunkBytes,
        long randomSeed) {

    public RaftConfig {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("voters must not be empty");
        }
        checkAscendingUnique("voters", voters);
        checkAscendingUnique("observers", observers);
        Set<Integer> overlap = new TreeSet<>(voters);
        overlap.retainAll(observers);
        if (!overlap.isEmpty()) {
            throw new IllegalArgumentException("ids " + overlap + " are both voters and observers");
        }
        if (!voters.contains(nodeId) && !observers.contains(nodeId)) {
            throw new IllegalArgumentException(
                    "nodeId " + nodeId + " is neither a voter " + voters + " nor an observer " + observers);
        }
        if (electionTimeoutTicks < 2) {
            throw new IllegalArgumentException("electionTimeoutTicks must be >= 2, was " + electionTimeoutTicks);
        }
        if (heartbeatTicks < 1 || heartbeatTicks >= electionTimeoutTicks) {
            throw new IllegalArgumentException("heartbeatTicks must be in [1, electionTimeoutTicks), was "
                    + heartbeatTicks + " with electionTimeoutTicks " + electionTimeoutTicks);
        }
        if (maxEntriesPerAppend < 1) {
            throw new IllegalArgumentException("maxEntriesPerAppend must be >= 1, was " + maxEntriesPerAppend);
        }
        if (maxBytesPerAppend < 1) {
            throw new IllegalArgumentException("maxBytesPerAppend must be >= 1, was " + maxBytesPerAppend);
        }
        if (maxInflightAppends < 1) {
            throw new IllegalArgumentException("maxInflightAppends must be >= 1, was " + maxInflightAppends);
        }
        if (maxUncommittedBytes < 1) {
            throw new IllegalArgumentException("maxUncommittedBytes must be >= 1, was " + maxUncommittedBytes);
        }
        if (snapshotChunkBytes < 1) {
            throw new IllegalArgumentException("snapshotChunkBytes must be >= 1, was " + snapshotChunkBytes);
        }
    }

    /** A configuration with the defaults: election timeout 10 ticks, heartbeat every tick. */
    public static RaftConfig of(int nodeId, List<Integer> voters, List<Integer> observers) {
        return new RaftConfig(nodeId, voters, observers, 10, 1, 512, 1 << 20, 64, 32 << 20, 64 * 1024, nodeId);
    }

    public boolean isVoter() {
        return voters.contains(nodeId);
    }

    /** Votes (or matching replicas) needed for a decision: a strict majority of the voters. */
    public int quorum() {
        return voters.size() / 2 + 1;
    }

    public RaftConfig withRandomSeed(long seed) {
        return new RaftConfig(nodeId, voters, observers, electionTimeoutTicks, heartbeatTicks, maxEntriesPerAppend,
                maxBytesPerAppend, maxInflightAppends, maxUncommittedBytes, snapshotChunkBytes, seed);
    }

    public RaftConfig withTimeouts(int electionTicks, int heartbeat) {
        return new RaftConfig(nodeId, voters, observers, electionTicks, heartbeat, maxEntriesPerAppend,
                maxBytesPerAppend, maxInflightAppends, maxUncommittedBytes, snapshotChunkBytes, randomSeed);
    }

    public RaftConfig withAppendLimits(int maxEntries, long maxBytes, int maxInflight) {
        return new RaftConfig(nodeId, voters, observers, electionTimeoutTicks, heartbeatTicks, maxEntries,
                maxBytes, maxInflight, maxUncommittedBytes, snapshotChunkBytes, randomSeed);
    }

    public RaftConfig withMaxUncommittedBytes(long maxBytes) {
        return new RaftConfig(nodeId, voters, observers, electionTimeoutTicks, heartbeatTicks, maxEntriesPerAppend,
                maxBytesPerAppend, maxInflightAppends, maxBytes, snapshotChunkBytes, randomSeed);
    }

    public RaftConfig withSnapshotChunkBytes(int chunkBytes) {
        return new RaftConfig(nodeId, voters, observers, electionTimeoutTicks, heartbeatTicks, maxEntriesPerAppend,
                maxBytesPerAppend, maxInflightAppends, maxUncommittedBytes, chunkBytes, randomSeed);
    }

    private static void checkAscendingUnique(String name, List<Integer> ids) {
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i) < 0) {
                throw new IllegalArgumentException(name + " must be non-negative ids, was " + ids);
            }
            if (i > 0 && ids.get(i - 1) >= ids.get(i)) {
                throw new IllegalArgumentException(name + " must be ascending without duplicates, was " + ids);
            }
        }
    }
}
