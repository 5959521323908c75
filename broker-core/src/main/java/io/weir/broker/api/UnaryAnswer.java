package io.weir.broker.api;

import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The answer of a unary call, for services that also answer the same requests on a stream. */
final class UnaryAnswer {
  private static final Logger log = LoggerFactory.getLogger(UnaryAnswer.class);

  private UnaryAnswer() {}

  /** Sends the one response and closes the call; a client that went away is no error. */
  static <R> Consumer<R> to(StreamObserver<R> call) {
    return response -> {
      try {
        call.onNext(response);
        call.onCompleted();
      } catch (RuntimeException e) {
        log.debug("response not delivered: {}", e.toString());
      }
    };
  }
}
