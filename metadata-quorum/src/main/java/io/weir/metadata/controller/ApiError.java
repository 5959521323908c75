package io.weir.metadata.controller;

import java.util.Objects;

/** An error code with the message a user reads; {@link #NONE} for success. */
public record ApiError(Errors error, String message) {
    public static final ApiError NONE = new ApiError(Errors.NONE, "");

    public ApiError {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
    }

    public static ApiError of(Errors error, String message) {
        return new ApiError(error, message);
    }

    public boolean isSuccess() {
        return error == Errors.NONE;
    }
}
