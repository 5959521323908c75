package io.weir.metadata.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A hand-driven cluster for focused tests: messages are delivered only when a test asks, in send order,
 * unless cut off by isolation or a drop filter. Owned by the test thread.
 */
final class TestCluster {

    final Map<Integer, RaftNode> nodes = new TreeMap<>();
    final Map<Integer, MemoryRaftStorage> storages = new TreeMap<>();
    final Map<Integer, List<Entry>> applied = new TreeMap<>();
    final Map<Integer, List<Snapshot>> installed = new TreeMap<>();
    final Map<Integer, List<ReadState>> reads = new TreeMap<>();
    /** Every message delivered, in order. */
    final List<RaftMessage> delivered = new ArrayList<>();
    private final Map<Integer, RaftConfig> configs = new TreeMap<>();
    private final ArrayDeque<RaftMessage> queue = new ArrayDeque<>();
    private final Set<Integer> isolated = new HashSet<>();
    private Predicate<RaftMessage> drop = m -> false;

    TestCluster(int voterCount, int observerCount) {
        List<Integer> voters = new ArrayList<>();
        List<Integer> observers = new ArrayList<>();
        for (int i = 1; i <= voterCount; i++) {
            voters.add(i);
        }
        for (int i = 1; i <= observerCount; i++) {
            observers.add(voterCount + i);
        }
        for (int id = 1; id <= voterCount + observerCount; id++) {
            add(RaftConfig.of(id, voters, observers), new MemoryRaftStorage());
        }
    }

    TestCluster(List<RaftConfig> configs, Map<Integer, MemoryRaftStorage> storages) {
        for (RaftConfig c : configs) {
            add(c, storages.getOrDefault(c.nodeId(), new MemoryRaftStorage()));
        }
    }

    private void add(RaftConfig config, MemoryRaftStorage storage) {
        configs.put(config.nodeId(), config);
        storages.put(config.nodeId(), storage);
        nodes.put(config.nodeId(), new RaftNode(config, storage));
        applied.put(config.nodeId(), new ArrayList<>());
        installed.put(config.nodeId(), new ArrayList<>());
        reads.put(config.nodeId(), new ArrayList<>());
    }

    RaftNode node(int id) {
        return nodes.get(id);
    }

    /** Handles every Ready of the node as a runtime would: persist, send, apply, advance. */
    void process(int id) {
        RaftNode n = nodes.get(id);
        MemoryRaftStorage s = storages.get(id);
        while (n.hasReady()) {
            Ready r = n.ready();
            r.snapshot().ifPresent(s::applySnapshot);
            s.append(r.entries());
            r.hardState().ifPresent(s::setHardState);
            queue.addAll(r.messages());
            r.snapshot().ifPresent(installed.get(id)::add);
            applied.get(id).addAll(r.committedEntries());
            reads.get(id).addAll(r.readStates());
            n.advance(r);
        }
    }

    void processAll() {
        for (int id : nodes.keySet()) {
            process(id);
        }
    }

    /** Ticks one node until it leaves the follower role (at most two election timeouts), then delivers. */
    void campaign(int id) {
        RaftNode n = nodes.get(id);
        for (int i = 0; i < 2 * configs.get(id).electionTimeoutTicks() && n.role() == Role.FOLLOWER; i++) {
            n.tick();
        }
        process(id);
        deliverAll();
    }

    void tickAll(int ticks) {
        for (int t = 0; t < ticks; t++) {
            for (RaftNode n : nodes.values()) {
                n.tick();
            }
            processAll();
            deliverAll();
        }
    }

    /** Delivers queued messages, and those they cause, until none is left. */
    void deliverAll() {
        for (int i = 0; i < 100_000 && !queue.isEmpty(); i++) {
            deliverOne();
        }
        if (!queue.isEmpty()) {
            throw new AssertionError("messages still flowing after 100000 deliveries");
        }
    }

    /** Delivers the oldest queued message (or drops it if its link is cut); returns it. */
    RaftMessage deliverOne() {
        RaftMessage m = queue.poll();
        if (isolated.contains(m.from()) || isolated.contains(m.to()) || drop.test(m)) {
            return m;
        }
        delivered.add(m);
        nodes.get(m.to()).step(m);
        process(m.to());
        return m;
    }

    List<RaftMessage> queued() {
        return List.copyOf(queue);
    }

    void isolate(int id) {
        isolated.add(id);
    }

    void heal() {
        isolated.clear();
        drop = m -> false;
    }

    void dropIf(Predicate<RaftMessage> filter) {
        drop = filter;
    }

    ProposeResult propose(int id, String... values) {
        List<byte[]> data = new ArrayList<>();
        for (String v : values) {
            data.add(v.getBytes(StandardCharsets.UTF_8));
        }
        ProposeResult result = nodes.get(id).propose(data);
        process(id);
        return result;
    }

    static String text(Entry e) {
        return new String(e.data(), StandardCharsets.UTF_8);
    }

    List<String> appliedValues(int id) {
        List<String> out = new ArrayList<>();
        for (Entry e : applied.get(id)) {
            if (e.type() == Entry.Type.NORMAL) {
                out.add(text(e));
            }
        }
        return out;
    }

    static MemoryRaftStorage storageWith(long term, long commit, long... entryTerms) {
        MemoryRaftStorage s = new MemoryRaftStorage();
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < entryTerms.length; i++) {
            entries.add(new Entry(entryTerms[i], i + 1, Entry.Type.NORMAL, ("e" + (i + 1)).getBytes(StandardCharsets.UTF_8)));
        }
        s.append(entries);
        s.setHardState(new HardState(term, HardState.NO_VOTE, commit));
        return s;
    }
}
