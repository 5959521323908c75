package io.weir.broker.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.common.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HighWatermarkCheckpointTest {
  @TempDir Path dir;

  @Test
  void roundTripsInKafkasFormat() throws IOException {
    HighWatermarkCheckpoint checkpoint = new HighWatermarkCheckpoint(dir);
    assertEquals(Map.of(), checkpoint.read());
    Map<TopicPartition, Long> hws = Map.of(new TopicPartition("a-b", 0), 5L, new TopicPartition("c", 3), 0L);
    checkpoint.write(hws);
    assertEquals(hws, checkpoint.read());
    assertTrue(Files.readString(dir.resolve(HighWatermarkCheckpoint.FILE_NAME)).startsWith("0\n2\n"));
  }

  @Test
  void malformedFileNamesItselfAndTheProblem() throws IOException {
    Files.writeString(dir.resolve(HighWatermarkCheckpoint.FILE_NAME), "0\n2\na 0 5\n");
    IOException e = assertThrows(IOException.class, () -> new HighWatermarkCheckpoint(dir).read());
    assertTrue(e.getMessage().contains(HighWatermarkCheckpoint.FILE_NAME), e.getMessage());
    assertTrue(e.getMessage().contains("2 entries"), e.getMessage());
  }
}
