package io.weir.metadata.raft.sim;

import io.weir.metadata.raft.Entry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** The replicated state machine of the simulation: a map updated by "set key value" entries. */
final class KvStateMachine {

    // Owned by the simulation thread.
    private final TreeMap<String, String> map = new TreeMap<>();
    private long appliedIndex;

    static byte[] set(String key, String value) {
        return ("set " + key + " " + value).getBytes(StandardCharsets.UTF_8);
    }

    void apply(Entry e) {
        if (e.index() != appliedIndex + 1) {
            throw new AssertionError("applying index " + e.index() + " after " + appliedIndex);
        }
        appliedIndex = e.index();
        if (e.type() == Entry.Type.NOOP) {
            return;
        }
        String[] parts = new String(e.data(), StandardCharsets.UTF_8).split(" ");
        if (parts.length != 3 || !parts[0].equals("set")) {
            throw new AssertionError("malformed entry " + e);
        }
        map.put(parts[1], parts[2]);
    }

    long appliedIndex() {
        return appliedIndex;
    }

    String get(String key) {
        return map.get(key);
    }

    int stateHash() {
        return map.hashCode();
    }

    byte[] snapshot() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : map.entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    void restore(long index, byte[] snapshot) {
        map.clear();
        for (String line : new String(snapshot, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                int eq = line.indexOf('=');
                map.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        appliedIndex = index;
    }
}
