package io.weir.storage.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weir.storage.log.LogConfig.CleanupPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogConfigTest {
  @Test
  void defaultsAreKafkas() {
    LogConfig d = LogConfig.defaults();
    assertEquals(1 << 30, d.segmentBytes());
    assertEquals(7 * 24 * 3600_000L, d.segmentMs());
    assertEquals(7 * 24 * 3600_000L, d.retentionMs());
    assertEquals(-1, d.retentionBytes());
    assertEquals(CleanupPolicy.DELETE, d.cleanupPolicy());
    assertEquals(86_400_000L, d.deleteRetentionMs());
    assertEquals(Long.MAX_VALUE, d.flushMessages());
    assertEquals(4096, d.indexIntervalBytes());
    assertEquals(10 * 1024 * 1024, d.maxIndexSize());
  }

  @Test
  void fromMapOverridesByKafkaKeyName() {
    LogConfig c =
        LogConfig.fromMap(
            Map.of(
                "segment.bytes", "4096",
                "retention.ms", "-1",
                "retention.bytes", "123",
                "cleanup.policy", "compact,delete",
                "flush.messages", "1",
                "min.insync.replicas", "2"));
    assertEquals(4096, c.segmentBytes());
    assertEquals(-1, c.retentionMs());
    assertEquals(123, c.retentionBytes());
    assertEquals(CleanupPolicy.COMPACT_DELETE, c.cleanupPolicy());
    assertEquals(1, c.flushMessages());
    assertEquals(LogConfig.defaults().segmentMs(), c.segmentMs());
  }

  @Test
  void invalidValuesNameTheKey() {
    assertEquals(
        "segment.bytes must be at least 14, was 1",
        assertThrows(IllegalArgumentException.class, () -> LogConfig.defaults().withSegmentBytes(1))
            .getMessage());
    assertEquals(
        "retention.ms must be -1 or at least 0, was -2",
        assertThrows(
                IllegalArgumentException.class,
                () -> LogConfig.fromMap(Map.of("retention.ms", "-2")))
            .getMessage());
    assertEquals(
        "flush.ms must be an integer, was 'soon'",
        assertThrows(
                IllegalArgumentException.class, () -> LogConfig.fromMap(Map.of("flush.ms", "soon")))
            .getMessage());
    assertEquals(
        "segment.bytes must be at most 2147483647, was 4294967296",
        assertThrows(
                IllegalArgumentException.class,
                () -> LogConfig.fromMap(Map.of("segment.bytes", "4294967296")))
            .getMessage());
    assertEquals(
        "cleanup.policy must be delete, compact or compact,delete, was 'shred'",
        assertThrows(IllegalArgumentException.class, () -> CleanupPolicy.parse("shred"))
            .getMessage());
  }

  @Test
  void cleanupPolicyParsesEitherOrder() {
    assertEquals(CleanupPolicy.DELETE, CleanupPolicy.parse("delete"));
    assertEquals(CleanupPolicy.COMPACT, CleanupPolicy.parse("compact"));
    assertEquals(CleanupPolicy.COMPACT_DELETE, CleanupPolicy.parse("delete, compact"));
    assertEquals(true, CleanupPolicy.COMPACT_DELETE.deletes() && CleanupPolicy.COMPACT_DELETE.compacts());
  }
}
