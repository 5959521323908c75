package io.weir.broker.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Asserts that every thread started since a snapshot has ended (nodes stop what they start). */
final class ThreadLeakCheck {
  private final Set<Thread> before = Thread.getAllStackTraces().keySet();

  void assertNoneLeft() {
    await("every thread the nodes started has stopped").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Set<String> left = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t) && t.isAlive() && !sharedByTheJvm(t.getName()))
          .map(Thread::getName).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(Set.of(), left);
    });
  }

  /**
   * gRPC's process-wide event loops and timers, the common pool and Awaitility's poller outlive any
   * one node; so does the JDK's "process reaper", left by the libc probe RocksDB runs (ldd) the
   * first time its native library loads in the JVM.
   */
  private static boolean sharedByTheJvm(String name) {
    return name.startsWith("grpc-default-worker") || name.startsWith("grpc-nio-worker")
        || name.startsWith("grpc-shared-destroyer") || name.startsWith("ForkJoinPool.commonPool")
        || name.startsWith("grpc-timer") || name.equals("Attach Listener") || name.startsWith("awaitility")
        || name.equals("process reaper");
  }
}
