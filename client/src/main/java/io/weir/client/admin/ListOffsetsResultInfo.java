package io.weir.client.admin;

import java.util.Optional;

/** Offset -1 and timestamp -1 when no record is that recent. */
public record ListOffsetsResultInfo(long offset, long timestamp, Optional<Integer> leaderEpoch) {}
