package io.weir.metadata.raft.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftQuorumTest {

    @TempDir
    Path dir;

    @Test
    void threeVotersElectALeaderAndCommitTenThousandProposals() throws Exception {
        try (TestQuorum q = new TestQuorum(dir, 3, Map.of())) {
            int leader = q.awaitLeader();
            RaftRuntime r = q.runtime(leader);
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                futures.add(r.propose(KvStateMachine.set("k" + i, "v" + i)));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long last = 0;
            for (CompletableFuture<Long> f : futures) {
                assertTrue(f.get() > last, "indexes increase in proposal order");
                last = f.get();
            }
            long committed = last;
            for (int id : q.live()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> q.runtime(id).appliedIndex() >= committed);
                assertEquals(10_000, q.machine(id).size(), "node " + id);
                assertEquals("v9999", q.machine(id).get("k9999"));
            }
            assertEquals(q.machine(1).contents(), q.machine(2).contents());
            assertEquals(q.machine(1).contents(), q.machine(3).contents());
        }
    }
}
