package io.weir.metadata.raft.runtime;

import io.weir.metadata.raft.Entry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A replicated map of "key=value" entries, the application the runtime tests replicate. */
final class KvStateMachine implements StateMachine {

    // Written by the runtime's driver (or observer) thread, read by the test thread.
    private final ConcurrentSkipListMap<String, String> map = new ConcurrentSkipListMap<>();
    private final AtomicInteger restores = new AtomicInteger();

    static byte[] set(String key, String value) {
        return (key + "=" + value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void apply(Entry entry) {
        String s = new String(entry.data(), StandardCharsets.UTF_8);
        int eq = s.indexOf('=');
        map.put(s.substring(0, eq), s.substring(eq + 1));
    }

    @Override
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(map.size());
            for (Map.Entry<String, String> e : map.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void restore(byte[] snapshot) {
        TreeMap<String, String> restored = new TreeMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                restored.put(in.readUTF(), in.readUTF());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        map.clear();
        map.putAll(restored);
        restores.incrementAndGet();
    }

    Map<String, String> contents() {
        return new TreeMap<>(map);
    }

    int size() {
        return map.size();
    }

    String get(String key) {
        return map.get(key);
    }

    int restores() {
        return restores.get();
    }
}
