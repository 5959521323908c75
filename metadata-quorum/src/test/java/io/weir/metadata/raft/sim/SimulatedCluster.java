package io.weir.metadata.raft.sim;

import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.MemoryRaftStorage;
import io.weir.metadata.raft.ProposeResult;
import io.weir.metadata.raft.RaftConfig;
import io.weir.metadata.raft.RaftMessage;
import io.weir.metadata.raft.RaftNode;
import io.weir.metadata.raft.ReadIndexResult;
import io.weir.metadata.raft.ReadState;
import io.weir.metadata.raft.Ready;
import io.weir.metadata.raft.Role;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Voters and observers on a {@link SimulatedNetwork} with a shared logical clock, all driven from one seed.
 * Nodes crash (losing every Ready they had not yet handled) and restart from their {@link MemoryRaftStorage};
 * the {@link SafetyChecker} runs after every step. Owned by the simulation thread.
 */
final class SimulatedCluster {

    static final int ELECTION_TICKS = 10;
    /** After healing, a leader must be elected and a proposal applied everywhere within this many ticks. */
    static final int LIVENESS_BOUND_TICKS = 40 * ELECTION_TICKS;

    final long seed;
    final int voterCount;
    final int observerCount;
    private final SplittableRandom random;
    private final SimulatedNetwork network;
    private final SafetyChecker checker = new SafetyChecker();
    private final List<Integer> voters = new ArrayList<>();
    private final List<Integer> observers = new ArrayList<>();
    private final List<SimNode> nodes = new ArrayList<>();
    private final double readyRate;
    private final int snapshotEvery;
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private final boolean tracing;
    private final Map<Long, Long> readRequestedAt = new HashMap<>();
    private long now;
    private long nextValue;
    private long nextReadCtx;
    private long digest = 17;
    private long lastLeaderTerm;
    private int snapshotsInstalled;
    private int livenessRounds;

    /** One simulated machine: its disk survives crashes, the node and state machine do not. */
    private final class SimNode {
        final int id;
        final RaftConfig config;
        final MemoryRaftStorage storage = new MemoryRaftStorage();
        RaftNode node;
        KvStateMachine kv;
        int restarts;
        /** A paused process (GC pause, SIGSTOP) neither ticks nor receives until this tick. */
        long pausedUntil;

        SimNode(int id, RaftConfig config) {
            this.id = id;
            this.config = config;
            start();
        }

        void start() {
            node = new RaftNode(config.withRandomSeed(seed * 1_000_003L + id * 101L + restarts), storage);
            kv = new KvStateMachine();
            kv.restore(storage.snapshot().index(), storage.snapshot().data());
            restarts++;
        }
    }

    SimulatedCluster(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.voterCount = random.nextBoolean() ? 3 : 5;
        this.observerCount = 1 + random.nextInt(2);
        this.tracing = Boolean.getBoolean("weir.sim.trace");
        for (int i = 1; i <= voterCount; i++) {
            voters.add(i);
        }
        for (int i = 1; i <= observerCount; i++) {
            observers.add(voterCount + i);
        }
        this.network = new SimulatedNetwork(random.split(), voterCount + observerCount);
        this.readyRate = 0.5 + random.nextDouble() * 0.5;
        this.snapshotEvery = 10 + random.nextInt(30);
        int chunk = 8 + random.nextInt(64);
        int maxEntries = 1 + random.nextInt(8);
        int inflight = 1 + random.nextInt(8);
        long maxUncommitted = 100 + random.nextInt(2000);
        for (int id = 1; id <= voterCount + observerCount; id++) {
            RaftConfig config = RaftConfig.of(id, voters, observers).withTimeouts(ELECTION_TICKS, 2)
                    .withAppendLimits(maxEntries, 4096, inflight).withSnapshotChunkBytes(chunk)
                    .withMaxUncommittedBytes(maxUncommitted);
            nodes.add(new SimNode(id, config));
        }
        if (random.nextBoolean()) {
            // An observer that joins late starts from an empty log: the leader may have compacted what it needs.
            log("observer " + nodes.size() + " starts later");
            nodes.get(nodes.size() - 1).node = null;
        }
    }

    /** Runs {@code rounds} of chaos, each followed by healing and a liveness check. */
    void run(int rounds, int chaosTicks) {
        for (int r = 0; r < rounds; r++) {
            network.setFaults(random.nextDouble() * 0.15, random.nextDouble() * 0.1, random.nextInt(9));
            for (int t = 0; t < chaosTicks; t++) {
                chaosFaults();
                clientLoad(0.3);
                step(true);
            }
            heal();
            checkLiveness();
        }
        checkLogMatching();
    }

    private void chaosFaults() {
        double p = random.nextDouble();
        if (p < 0.004) {
            SimNode n = randomNode();
            if (n.node != null) {
                log("crash " + n.id);
                n.node = null;
            }
        } else if (p < 0.02) {
            for (SimNode n : nodes) {
                if (n.node == null) {
                    log("restart " + n.id);
                    n.start();
                    break;
                }
            }
        } else if (p < 0.03) {
            partition();
        } else if (p < 0.035) {
            log("heal network");
            network.heal();
        } else if (p < 0.04) {
            // Pausing the leader most often: on waking it still believes it leads, the case ReadIndex guards.
            SimNode leader = currentLeader();
            SimNode n = leader != null && random.nextBoolean() ? leader : randomNode();
            n.pausedUntil = now + 2 * ELECTION_TICKS + random.nextInt(6 * ELECTION_TICKS);
            log("pause " + n.id + " until " + n.pausedUntil);
        }
    }

    private void partition() {
        int kind = random.nextInt(4);
        switch (kind) {
            case 0 -> {
                int id = randomNode().id;
                log("isolate " + id);
                network.isolate(id);
            }
            case 1 -> {
                int from = randomNode().id;
                int to = randomNode().id;
                if (from != to) {
                    log("cut one way " + from + " -> " + to);
                    network.cut(from, to);
                }
            }
            case 2 -> {
                SimNode leader = currentLeader();
                if (leader != null) {
                    // The leader keeps a minority of voters (possibly just itself) and loses the majority.
                    List<Integer> side = new ArrayList<>(List.of(leader.id));
                    int extra = random.nextInt((voterCount - 1) / 2);
                    for (int v : voters) {
                        if (side.size() - 1 < extra && v != leader.id) {
                            side.add(v);
                        }
                    }
                    log("isolate leader " + leader.id + " with " + side);
                    network.partition(side);
                }
            }
            default -> {
                List<Integer> side = new ArrayList<>();
                for (SimNode n : nodes) {
                    if (random.nextBoolean()) {
                        side.add(n.id);
                    }
                }
                log("partition " + side);
                network.partition(side);
            }
        }
    }

    private void clientLoad(double rate) {
        if (random.nextDouble() < rate) {
            SimNode n = randomNode();
            if (n.node != null) {
                int count = 1 + random.nextInt(3);
                List<byte[]> batch = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    batch.add(KvStateMachine.set("k" + random.nextInt(16), "v" + nextValue++));
                }
                n.node.propose(batch);
            }
        }
        if (random.nextDouble() < rate / 2) {
            SimNode n = random.nextBoolean() ? randomNode() : anyLeader();
            if (n != null && n.node != null && n.pausedUntil <= now) {
                long ctx = ++nextReadCtx;
                if (n.node.readIndex(ctx) instanceof ReadIndexResult.Pending) {
                    // Linearizability: the read must observe everything committed before it started.
                    readRequestedAt.put(ctx, checker.maxApplied());
                }
            }
        }
    }

    /** One tick of the shared clock: deliver due messages, tick every node, let nodes handle their Readys. */
    private void step(boolean chaos) {
        now++;
        for (RaftMessage m : network.deliver(now)) {
            SimNode to = nodes.get(m.to() - 1);
            if (running(to)) {
                to.node.step(m);
            }
        }
        for (SimNode n : nodes) {
            if (running(n)) {
                n.node.tick();
            }
        }
        for (SimNode n : nodes) {
            if (running(n) && n.node.hasReady() && (!chaos || random.nextDouble() < readyRate)) {
                handleReady(n);
            }
        }
        for (SimNode n : nodes) {
            if (n.node != null && n.node.role() == Role.LEADER) {
                if (n.node.term() > lastLeaderTerm) {
                    lastLeaderTerm = n.node.term();
                    log("node " + n.id + " leads term " + lastLeaderTerm);
                }
                checker.onLeader(n.id, n.node.term(), n.storage);
            }
        }
        if (now % 50 == 0) {
            checkLogMatching();
        }
    }

    private void checkLogMatching() {
        for (int a = 0; a < nodes.size(); a++) {
            for (int b = a + 1; b < nodes.size(); b++) {
                SafetyChecker.checkLogMatching(a + 1, nodes.get(a).storage, b + 1, nodes.get(b).storage);
            }
        }
    }

    private void handleReady(SimNode n) {
        Ready ready = n.node.ready();
        ready.snapshot().ifPresent(n.storage::applySnapshot);
        n.storage.append(ready.entries());
        ready.hardState().ifPresent(n.storage::setHardState);
        checker.onPersisted(n.id, n.storage, ready.entries());
        for (RaftMessage m : ready.messages()) {
            digest = digest * 31 + m.hashCode();
            network.send(m, now);
        }
        ready.snapshot().ifPresent(s -> {
            n.kv.restore(s.index(), s.data());
            checker.onSnapshotInstalled(n.id, s, n.kv.stateHash());
            snapshotsInstalled++;
            log("node " + n.id + " installed " + s);
        });
        for (Entry e : ready.committedEntries()) {
            n.kv.apply(e);
            checker.onApplied(n.id, e, n.kv.stateHash());
        }
        for (ReadState rs : ready.readStates()) {
            Long committedBefore = readRequestedAt.remove(rs.requestCtx());
            if (committedBefore == null || rs.readIndex() < committedBefore) {
                throw new AssertionError("linearizable read " + rs + " on node " + n.id
                        + " is below the index committed when it started: " + committedBefore);
            }
        }
        n.node.advance(ready);
        long applied = n.kv.appliedIndex();
        if (applied - n.storage.snapshot().index() >= snapshotEvery) {
            n.storage.createSnapshot(applied, voters, n.kv.snapshot());
            n.storage.compact(Math.max(n.storage.firstIndex() - 1, applied - random.nextInt(4)));
        }
    }

    private void heal() {
        log("heal all");
        network.heal();
        network.setFaults(0, 0, random.nextInt(3));
        for (SimNode n : nodes) {
            n.pausedUntil = 0;
            if (n.node == null) {
                n.start();
            }
        }
    }

    /** After healing, a leader must emerge and a fresh proposal be applied on every node, within a bound. */
    private void checkLiveness() {
        String key = "live" + livenessRounds++;
        String value = "v" + nextValue++;
        long deadline = now + LIVENESS_BOUND_TICKS;
        long lastProposal = -4 * ELECTION_TICKS;
        while (now < deadline) {
            SimNode leader = currentLeader();
            if (leader != null && now - lastProposal >= 4 * ELECTION_TICKS) {
                // Re-proposed if a leader change lost it; applying it twice is harmless.
                if (leader.node.propose(List.of(KvStateMachine.set(key, value))) instanceof ProposeResult.Accepted) {
                    lastProposal = now;
                }
            }
            step(false);
            if (nodes.stream().allMatch(n -> value.equals(n.kv.get(key)))) {
                return;
            }
        }
        StringBuilder sb = new StringBuilder("liveness: no proposal applied on all nodes within "
                + LIVENESS_BOUND_TICKS + " ticks after healing:");
        for (SimNode n : nodes) {
            sb.append("\n  ").append(n.node.status()).append(" applied=").append(n.kv.appliedIndex());
        }
        throw new AssertionError(sb.toString());
    }

    private SimNode currentLeader() {
        SimNode best = null;
        for (SimNode n : nodes) {
            if (n.node != null && n.node.role() == Role.LEADER && (best == null || n.node.term() > best.node.term())) {
                best = n;
            }
        }
        return best;
    }

    private boolean running(SimNode n) {
        return n.node != null && n.pausedUntil <= now;
    }

    /** Any node that believes it leads, stale ones included. */
    private SimNode anyLeader() {
        List<SimNode> leaders = nodes.stream()
                .filter(n -> n.node != null && n.node.role() == Role.LEADER).toList();
        return leaders.isEmpty() ? null : leaders.get(random.nextInt(leaders.size()));
    }

    private SimNode randomNode() {
        return nodes.get(random.nextInt(nodes.size()));
    }

    private void log(String event) {
        if (tracing) {
            trace.addLast("t=" + now + " " + event);
            if (trace.size() > 400) {
                trace.removeFirst();
            }
        }
    }

    String trace() {
        return String.join("\n", trace);
    }

    long digest() {
        return digest;
    }

    long ticks() {
        return now;
    }

    int snapshotsInstalled() {
        return snapshotsInstalled;
    }

    long messagesSent() {
        return network.sentCount();
    }
}
