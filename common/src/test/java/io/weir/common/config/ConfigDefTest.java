package io.weir.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.common.config.ConfigDef.Importance;
import io.weir.common.config.ConfigDef.Range;
import io.weir.common.config.ConfigDef.Type;
import io.weir.common.config.ConfigDef.ValidList;
import io.weir.common.config.ConfigDef.ValidString;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigDefTest {

  private static ConfigDef definition() {
    return new ConfigDef()
        .define("node.id", Type.INT, ConfigDef.NO_DEFAULT, Range.atLeast(0), Importance.HIGH, "The node's id.")
        .define("log.segment.bytes", Type.INT, 1 << 30, Range.atLeast(14), Importance.HIGH, "Segment size.")
        .define("log.retention.ms", Type.LONG, 604800000L, Importance.MEDIUM, "Retention | time.")
        .define("auto.create.topics.enable", Type.BOOLEAN, false, Importance.MEDIUM, "Auto-create.")
        .define("message.timestamp.type", Type.STRING, "CreateTime",
            ValidString.in("CreateTime", "LogAppendTime"), Importance.MEDIUM, "Timestamp type.")
        .define("process.roles", Type.LIST, "broker,controller",
            ValidList.in("broker", "controller"), Importance.HIGH, "Roles.")
        .define("ssl.key.password", Type.PASSWORD, "secret", Importance.LOW, "A password.");
  }

  @Test
  void parsesTypedValuesAndFillsDefaults() {
    Config config = new Config(definition(), Map.of("node.id", " 3 ", "process.roles", "broker"));
    assertEquals(3, config.getInt("node.id"));
    assertEquals(1 << 30, config.getInt("log.segment.bytes"));
    assertEquals(604800000L, config.getLong("log.retention.ms"));
    assertEquals(false, config.getBoolean("auto.create.topics.enable"));
    assertEquals("CreateTime", config.getString("message.timestamp.type"));
    assertEquals(List.of("broker"), config.getList("process.roles"));
  }

  @Test
  void missingRequiredKeyIsNamed() {
    ConfigException e = assertThrows(ConfigException.class, () -> new Config(definition(), Map.of()));
    assertEquals("Missing required configuration \"node.id\" which has no default value.", e.getMessage());
  }

  @Test
  void malformedAndOutOfRangeValuesNameKeyValueAndReason() {
    assertEquals("Invalid value abc for configuration node.id: Not a number of type INT",
        assertThrows(ConfigException.class,
            () -> new Config(definition(), Map.of("node.id", "abc"))).getMessage());
    assertEquals("Invalid value 1 for configuration log.segment.bytes: Value must be at least 14",
        assertThrows(ConfigException.class,
            () -> new Config(definition(), Map.of("node.id", "1", "log.segment.bytes", "1"))).getMessage());
    assertEquals("Invalid value yes for configuration auto.create.topics.enable: "
            + "Expected value to be either true or false",
        assertThrows(ConfigException.class, () -> new Config(definition(),
            Map.of("node.id", "1", "auto.create.topics.enable", "yes"))).getMessage());
    assertTrue(assertThrows(ConfigException.class, () -> new Config(definition(),
            Map.of("node.id", "1", "message.timestamp.type", "Now"))).getMessage()
        .endsWith("String must be one of: CreateTime, LogAppendTime"));
    assertTrue(assertThrows(ConfigException.class, () -> new Config(definition(),
            Map.of("node.id", "1", "process.roles", "broker,zookeeper"))).getMessage()
        .contains("Invalid value zookeeper"));
    assertTrue(assertThrows(ConfigException.class, () -> new Config(definition(),
            Map.of("node.id", "1", "process.roles", ""))).getMessage()
        .endsWith("Empty list not allowed"));
  }

  @Test
  void unknownKeysAreReportedNotRejected() {
    Config config = new Config(definition(), Map.of("node.id", "1", "log.segmnet.bytes", "5", "zz", "1"));
    assertEquals(Set.of("log.segmnet.bytes", "zz"), config.unknownKeys());
  }

  @Test
  void aKeyCanBeDefinedOnlyOnceEvenAcrossMergedDefinitions() {
    assertThrows(IllegalStateException.class,
        () -> definition().define("node.id", Type.INT, 1, Importance.HIGH, "again"));
    assertThrows(IllegalStateException.class, () -> definition().withAll(definition()));
    ConfigDef merged = new ConfigDef()
        .define("a", Type.INT, 1, Importance.LOW, "")
        .withAll(new ConfigDef().define("b", Type.INT, 2, Importance.LOW, ""));
    assertEquals(Set.of("a", "b"), merged.keys().keySet());
  }

  @Test
  void anInvalidDefaultIsAProgrammingError() {
    assertThrows(ConfigException.class, () -> new ConfigDef()
        .define("x", Type.INT, 1, Range.between(5, 10), Importance.LOW, ""));
  }

  @Test
  void documentationListsEveryKeyWithoutPasswordDefaults() {
    String doc = definition().toMarkdownTable();
    for (String key : definition().keys().keySet()) {
      assertTrue(doc.contains("| `" + key + "` |"), key);
    }
    assertTrue(doc.contains("(required)"));
    assertTrue(doc.contains("Retention \\| time."), "pipes in descriptions are escaped");
    assertTrue(!doc.contains("secret"), "password default must not be printed");
    assertTrue(doc.indexOf("`node.id`") < doc.indexOf("`log.retention.ms`"), "high importance first");
  }
}
