package io.weir.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrorsTest {

    @Test
    void everyControllerErrorHasTheWireCodeOfTheSameNameAndNumber() {
        for (Errors e : Errors.values()) {
            assertEquals(e.name(), e.toProto().name(), e + " maps to another wire code");
            assertEquals(e.code(), e.toProto().getNumber(), e + " has another number on the wire");
        }
    }
}
