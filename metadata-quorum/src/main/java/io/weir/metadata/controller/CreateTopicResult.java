package io.weir.metadata.controller;

import java.util.Optional;

/** The outcome for one topic; a warning (e.g. '.'/'_' collision risk) does not stop creation. */
public record CreateTopicResult(String name, ApiError error, String topicId, int numPartitions,
                                short replicationFactor, Optional<String> warning) {
    static CreateTopicResult failed(String name, Errors error, String message) {
        return new CreateTopicResult(name, ApiError.of(error, message), "", -1, (short) -1, Optional.empty());
    }
}
