package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TopicConfigDefTest {
    private static String validate(String key, String value) {
        return TopicConfigs.DEFS.get(key).validate(value);
    }

    @Test
    void messagesForEachKindOfRule() {
        assertEquals("Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1",
                validate("min.cleanable.dirty.ratio", "1.5"));
        assertEquals("Invalid value -0.5 for configuration min.cleanable.dirty.ratio: Value must be between 0 and 1",
                validate("min.cleanable.dirty.ratio", "-0.5"));
        assertEquals("Invalid value 0 for configuration min.insync.replicas: Value must be at least 1",
                validate("min.insync.replicas", "0"));
        assertEquals("Invalid value 3000000000 for configuration segment.bytes: Not a number of type INT",
                validate("segment.bytes", "3000000000"));
        assertEquals("Invalid value gzip,brotli for configuration compression.type: String must be one of: gzip, lz4,"
                + " producer, snappy, uncompressed, zstd", validate("compression.type", "gzip,brotli"));
        assertEquals("Invalid value compact,shred for configuration cleanup.policy: String must be one of: compact,"
                + " delete", validate("cleanup.policy", "compact,shred"));
    }

    @Test
    void validValuesPass() {
        assertNull(validate("cleanup.policy", "compact, delete"));
        assertNull(validate("cleanup.policy", ""));
        assertNull(validate("retention.ms", "-1"));
        assertNull(validate("retention.bytes", "-12345"));
        assertNull(validate("preallocate", "TRUE"));
        assertNull(validate("min.cleanable.dirty.ratio", "0.01"));
        assertNull(validate("message.timestamp.type", "LogAppendTime"));
        assertNull(validate("segment.bytes", "1048576"));
    }

    @Test
    void everyConfigHasAValidDefaultAndABrokerSynonym() {
        TopicConfigs.DEFS.values().forEach(d -> {
            assertNull(d.validate(d.defaultValue()), d.name());
            assertEquals(d, TopicConfigs.BY_BROKER_SYNONYM.get(d.brokerSynonym()), d.name());
        });
    }
}
