package io.weir.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLimiterTest {
  private static final MethodDescriptor.Marshaller<String> STRINGS =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes());
        }

        @Override
        public String parse(InputStream stream) {
          return "";
        }
      };
  private static final MethodDescriptor<String, String> METHOD =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test/Call")
          .setRequestMarshaller(STRINGS)
          .setResponseMarshaller(STRINGS)
          .build();

  private static final MethodDescriptor<String, String> STREAM =
      METHOD.toBuilder().setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName("test/Stream").build();

  /** Records how it was closed. */
  private static final class FakeCall extends ServerCall<String, String> {
    private final MethodDescriptor<String, String> method;
    Status closed;

    FakeCall() {
      this(METHOD);
    }

    FakeCall(MethodDescriptor<String, String> method) {
      this.method = method;
    }

    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(String message) {}

    @Override
    public void close(Status status, Metadata trailers) {
      closed = status;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public MethodDescriptor<String, String> getMethodDescriptor() {
      return method;
    }
  }

  private final List<ServerCall<String, String>> started = new ArrayList<>();
  private final ServerCallHandler<String, String> handler =
      (call, headers) -> {
        started.add(call);
        return new ServerCall.Listener<>() {};
      };

  @Test
  void refusesCallsOverTheLimitUntilOneFinishes() {
    RequestLimiter limiter = new RequestLimiter(2);
    FakeCall a = new FakeCall();
    FakeCall b = new FakeCall();
    FakeCall c = new FakeCall();
    ServerCall.Listener<String> la = limiter.interceptCall(a, new Metadata(), handler);
    limiter.interceptCall(b, new Metadata(), handler);
    limiter.interceptCall(c, new Metadata(), handler);

    assertEquals(2, started.size(), "the third call must not reach its handler");
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, c.closed.getCode());
    assertNull(a.closed);
    assertEquals(2, limiter.held());

    // The handler answers the first call: its slot is free at once, and completion frees nothing more.
    started.get(0).close(Status.OK, new Metadata());
    la.onComplete();
    assertEquals(1, limiter.held());
    FakeCall d = new FakeCall();
    limiter.interceptCall(d, new Metadata(), handler);
    assertNull(d.closed);
    assertEquals(3, started.size());
    assertEquals(2, limiter.held());
  }

  @Test
  void aCancelledCallFreesItsSlot() {
    RequestLimiter limiter = new RequestLimiter(1);
    ServerCall.Listener<String> l = limiter.interceptCall(new FakeCall(), new Metadata(), handler);
    l.onCancel();
    assertEquals(0, limiter.held());
    FakeCall next = new FakeCall();
    limiter.interceptCall(next, new Metadata(), handler);
    assertNull(next.closed);
  }

  @Test
  void aHandlerThatThrowsFreesItsSlot() {
    RequestLimiter limiter = new RequestLimiter(1);
    ServerCallHandler<String, String> failing =
        (call, headers) -> {
          throw new IllegalStateException("boom");
        };
    assertThrows(IllegalStateException.class, () -> limiter.interceptCall(new FakeCall(), new Metadata(), failing));
    assertEquals(0, limiter.held());
  }

  @Test
  void rejectsANonPositiveLimit() {
    assertThrows(IllegalArgumentException.class, () -> new RequestLimiter(0));
  }

  @Test
  void aStreamHoldsASlotPerUnansweredRequestOnly() {
    RequestLimiter limiter = new RequestLimiter(2);
    List<String> delivered = new ArrayList<>();
    ServerCallHandler<String, String> streams =
        (call, headers) -> {
          started.add(call);
          return new ServerCall.Listener<>() {
            @Override
            public void onMessage(String message) {
              delivered.add(message);
            }
          };
        };
    FakeCall stream = new FakeCall(STREAM);
    ServerCall.Listener<String> requests = limiter.interceptCall(stream, new Metadata(), streams);
    assertEquals(0, limiter.held(), "an idle stream holds no slot");

    requests.onMessage("1");
    assertEquals(1, limiter.held());
    started.get(0).sendMessage("answer 1");
    assertEquals(0, limiter.held(), "answered: the slot is free");

    requests.onMessage("2");
    requests.onMessage("3");
    FakeCall call = new FakeCall();
    limiter.interceptCall(call, new Metadata(), handler);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, call.closed.getCode(), "the stream's requests count against calls");

    requests.onMessage("4");
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, stream.closed.getCode(), "a request over the limit ends its stream");
    assertEquals(List.of("1", "2", "3"), delivered);
    assertEquals(0, limiter.held(), "ending the stream frees what it held");
    requests.onComplete();
    assertEquals(0, limiter.held());
  }

  @Test
  void aCancelledStreamFreesItsSlots() {
    RequestLimiter limiter = new RequestLimiter(3);
    ServerCall.Listener<String> requests = limiter.interceptCall(new FakeCall(STREAM), new Metadata(), handler);
    requests.onMessage("1");
    requests.onMessage("2");
    assertEquals(2, limiter.held());
    requests.onCancel();
    assertEquals(0, limiter.held());
  }
}
