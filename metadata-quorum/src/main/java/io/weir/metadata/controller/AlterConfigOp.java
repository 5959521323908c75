package io.weir.metadata.controller;

import java.util.Objects;

/** One step of IncrementalAlterConfigs; APPEND and SUBTRACT apply to list configs only. */
public record AlterConfigOp(String name, OpType type, String value) {
    public enum OpType { SET, DELETE, APPEND, SUBTRACT }

    public AlterConfigOp {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(name, OpType.SET, value);
    }

    public static AlterConfigOp delete(String name) {
        return new AlterConfigOp(name, OpType.DELETE, null);
    }
}
