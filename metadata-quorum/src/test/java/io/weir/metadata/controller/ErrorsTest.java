package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weir.proto.v1.ErrorCode;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ErrorsTest {
    @Test
    void wireCodesShareKafkaNumbersAndNames() {
        for (Errors e : EnumSet.complementOf(EnumSet.of(Errors.DUPLICATE_BROKER_REGISTRATION,
                Errors.BROKER_ID_NOT_REGISTERED, Errors.INELIGIBLE_REPLICA))) {
            assertEquals(e.name(), e.toProto().name());
            assertEquals(e.code(), e.toProto().getNumber());
        }
    }

    @Test
    void codesWeirV1DoesNotListYetAreUnknownServerErrors() {
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, Errors.DUPLICATE_BROKER_REGISTRATION.toProto());
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, Errors.BROKER_ID_NOT_REGISTERED.toProto());
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, Errors.INELIGIBLE_REPLICA.toProto());
    }
}
