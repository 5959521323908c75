package io.weir.metadata.controller;

import io.weir.proto.v1.ErrorCode;

/** The errors the controller answers with, named and numbered as in Kafka. */
public enum Errors {
    NONE(0),
    UNKNOWN_TOPIC_OR_PARTITION(3),
    INVALID_TOPIC_EXCEPTION(17),
    TOPIC_ALREADY_EXISTS(36),
    INVALID_PARTITIONS(37),
    INVALID_REPLICATION_FACTOR(38),
    INVALID_CONFIG(40),
    INVALID_REQUEST(42),
    FENCED_LEADER_EPOCH(74),
    STALE_BROKER_EPOCH(77),
    PREFERRED_LEADER_NOT_AVAILABLE(80),
    ELIGIBLE_LEADERS_NOT_AVAILABLE(83),
    ELECTION_NOT_NEEDED(84),
    INVALID_UPDATE_VERSION(95),
    UNKNOWN_TOPIC_ID(100),
    DUPLICATE_BROKER_REGISTRATION(101),
    BROKER_ID_NOT_REGISTERED(102),
    INELIGIBLE_REPLICA(107);

    private final int code;

    Errors(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The wire code: the same name and Kafka number in weir.v1.ErrorCode (ErrorsTest keeps them in step). */
    public ErrorCode toProto() {
        return ErrorCode.valueOf(name());
    }
}
