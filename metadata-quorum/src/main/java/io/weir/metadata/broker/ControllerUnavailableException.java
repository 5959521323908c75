package io.weir.metadata.broker;

/** No active controller answered within the request timeout (an election, or the quorum is down). */
public final class ControllerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ControllerUnavailableException(String message) {
        super(message);
    }
}
