package io.weir.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FetchBufferPoolTest {
  private static final int LARGE = 1 << 20;

  @Test
  void aReleasedBufferIsReusedForAnAnswerThatFits() {
    FetchBufferPool pool = new FetchBufferPool(8L << 20);
    ByteBuffer a = pool.acquire(LARGE);
    assertEquals(0, a.position());
    assertEquals(LARGE, a.limit());
    a.position(100);
    pool.release(a);
    assertEquals(a.capacity(), pool.idleBytes());

    ByteBuffer b = pool.acquire(LARGE - 5000);
    assertSame(a, b);
    assertEquals(0, b.position(), "handed out cleared");
    assertEquals(LARGE - 5000, b.limit(), "with exactly the room asked for");
    assertEquals(0, pool.idleBytes());
  }

  @Test
  void aBufferTooSmallIsNotHandedOutForALargerAnswer() {
    FetchBufferPool pool = new FetchBufferPool(8L << 20);
    ByteBuffer small = pool.acquire(FetchBufferPool.MIN_POOLED);
    pool.release(small);
    ByteBuffer large = pool.acquire(LARGE);
    assertNotSame(small, large);
    assertEquals(LARGE, large.limit());
  }

  @Test
  void smallAnswersAreNotPooledAndIdleBuffersAreCapped() {
    FetchBufferPool pool = new FetchBufferPool(2L * LARGE);
    ByteBuffer small = pool.acquire(1000);
    assertEquals(1000, small.capacity());
    pool.release(small);
    assertEquals(0, pool.idleBytes(), "the young generation handles small answers");

    ByteBuffer a = pool.acquire(LARGE);
    ByteBuffer b = pool.acquire(LARGE);
    ByteBuffer c = pool.acquire(LARGE);
    pool.release(a);
    pool.release(b);
    pool.release(c);
    assertEquals(2L * LARGE, pool.idleBytes(), "a burst of answers leaves at most the cap behind");
  }
}
