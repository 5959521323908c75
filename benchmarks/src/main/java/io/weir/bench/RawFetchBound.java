package io.weir.bench;

import io.weir.common.record.MemoryRecords;
import io.weir.common.record.Record;
import io.weir.common.record.RecordBatch;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The upper bound of a consumer fetch path without gRPC (issue #10, s4): what a fresh JVM reading a
 * partition over plain TCP, the broker sending log bytes with {@code sendfile} as Kafka's does, could
 * reach. Not a protocol: {@code serve} splits a partition directory's segment files into slices of whole
 * batches up to 1 MiB and answers each 4-byte slice number with a 4-byte length and the slice
 * ({@link FileChannel#transferTo}); {@code consume} asks for slices in order, up to {@code inflight} at a
 * time, reads each into a heap buffer and does a consumer's work on it with Weir's record code: the CRC of
 * every batch, a copy of every key and value, one record object each. Left out, so it only bounds from
 * above: request parsing, offset lookup, high watermarks, the group join, the consumer's bookkeeping.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.weir.bench.RawFetchBound serve PARTITION_DIR PORT SECONDS
 * java -cp benchmarks/target/benchmarks.jar io.weir.bench.RawFetchBound consume PORT RECORDS INFLIGHT
 * </pre>
 */
public final class RawFetchBound {
  private static final String HOST = "127.0.0.1";
  private static final int MAX_SLICE = 1 << 20;
  private static final int DEADLINE_SECONDS = 120;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss:SSS").withZone(ZoneId.systemDefault());

  private record Slice(FileChannel file, long position, int length) {}

  private record ConsumedRecord(long offset, long timestamp, byte[] key, byte[] value) {}

  private RawFetchBound() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("serve")) {
      serve(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    } else if (args.length == 4 && args[0].equals("consume")) {
      consume(Integer.parseInt(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
    } else {
      throw new IllegalArgumentException(
          "usage: RawFetchBound serve PARTITION_DIR PORT SECONDS | consume PORT RECORDS INFLIGHT");
    }
  }

  /** Answers slice requests on {@code port} for {@code seconds}, one connection after another. */
  private static void serve(Path partitionDir, int port, int seconds) throws IOException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<Slice> slices = slices(partitionDir);
    System.out.println("serving " + slices.size() + " slices of " + partitionDir + " on " + HOST + ":" + port);
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(HOST, port));
      closeAfter(server, seconds);
      while (server.isOpen()) {
        try (SocketChannel c = server.accept()) {
          c.setOption(StandardSocketOptions.TCP_NODELAY, true);
          closeAfter(c, (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L));
          answer(c, slices);
        } catch (IOException e) {
          // The consumer is done; one that stops with a slice still in flight resets the connection.
          if (!(e instanceof EOFException) && server.isOpen()) {
            System.err.println("connection ended: " + e);
          }
        }
      }
    } finally {
      for (Slice s : slices) {
        s.file().close(); // a segment's slices share its channel: closing it again does nothing
      }
    }
  }

  private static void answer(SocketChannel c, List<Slice> slices) throws IOException {
    ByteBuffer request = ByteBuffer.allocate(4);
    ByteBuffer length = ByteBuffer.allocate(4);
    while (true) {
      request.clear();
      readFully(c, request);
      int index = request.getInt(0);
      Slice s = index >= 0 && index < slices.size() ? slices.get(index) : null;
      length.clear();
      length.putInt(s == null ? 0 : s.length()).flip();
      while (length.hasRemaining()) {
        c.write(length);
      }
      for (long sent = 0; s != null && sent < s.length(); ) {
        sent += s.file().transferTo(s.position() + sent, s.length() - sent, c);
      }
    }
  }

  /** Every segment's batches in offset order, cut into slices of whole batches of at most 1 MiB. */
  private static List<Slice> slices(Path partitionDir) throws IOException {
    List<Path> segments;
    try (Stream<Path> files = Files.list(partitionDir)) {
      segments = files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
    }
    List<Slice> slices = new ArrayList<>();
    ByteBuffer header = ByteBuffer.allocate(12); // base offset, then the batch length
    for (Path segment : segments) {
      FileChannel file = FileChannel.open(segment, StandardOpenOption.READ);
      long size = file.size();
      long start = 0;
      long position = 0;
      while (position + header.capacity() <= size) {
        header.clear();
        file.read(header, position);
        long next = position + header.capacity() + header.getInt(8);
        if (next > size) {
          break; // a batch still being written
        }
        if (next - start > MAX_SLICE && position > start) {
          slices.add(new Slice(file, start, (int) (position - start)));
          start = position;
        }
        position = next;
      }
      if (position > start) {
        slices.add(new Slice(file, start, (int) (position - start)));
      }
    }
    return slices;
  }

  /** Reads {@code records} records, timing from the connect, and prints the rate of their values. */
  private static void consume(int port, long records, int inflight) throws IOException {
    long startMs = System.currentTimeMillis();
    long start = System.nanoTime();
    long consumed = 0;
    long valueBytes = 0;
    try (SocketChannel c = SocketChannel.open(new InetSocketAddress(HOST, port))) {
      c.setOption(StandardSocketOptions.TCP_NODELAY, true);
      closeAfter(c, DEADLINE_SECONDS);
      ByteBuffer request = ByteBuffer.allocate(4);
      ByteBuffer length = ByteBuffer.allocate(4);
      int requested = 0;
      int answered = 0;
      while (consumed < records) {
        for (; requested - answered < inflight; requested++) {
          request.clear();
          request.putInt(requested).flip();
          while (request.hasRemaining()) {
            c.write(request);
          }
        }
        length.clear();
        readFully(c, length);
        answered++;
        if (length.getInt(0) == 0) {
          break; // past the last slice
        }
        ByteBuffer slice = ByteBuffer.allocate(length.getInt(0));
        readFully(c, slice);
        slice.flip();
        List<ConsumedRecord> polled = new ArrayList<>();
        for (RecordBatch batch : MemoryRecords.readableRecords(slice)) {
          batch.validate();
          for (Record r : batch.records()) {
            if (consumed + polled.size() >= records) {
              break;
            }
            polled.add(new ConsumedRecord(r.offset(), r.timestamp(), copy(r.key()), copy(r.value())));
          }
        }
        for (ConsumedRecord r : polled) {
          valueBytes += r.value() == null ? 0 : r.value().length;
        }
        consumed += polled.size();
      }
    }
    long end = System.currentTimeMillis();
    double seconds = (System.nanoTime() - start) / 1e9;
    double mb = valueBytes / (double) (1 << 20);
    // Kafka's ConsumerPerformance's shape, so that bench/compare reads it as it reads the tools; no group join.
    System.out.println("start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
        + "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec");
    System.out.printf("%s, %s, %.4f, %.4f, %d, %.4f, 0, %d, %.4f, %.4f%n", TIME.format(Instant.ofEpochMilli(startMs)),
        TIME.format(Instant.ofEpochMilli(end)), mb, mb / seconds, consumed, consumed / seconds, Math.round(seconds * 1000),
        mb / seconds, consumed / seconds);
  }

  private static byte[] copy(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static void readFully(SocketChannel c, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (c.read(b) < 0) {
        throw new EOFException();
      }
    }
  }

  /** Closes {@code channel} after {@code seconds}, which ends any read or accept blocked on it. */
  private static void closeAfter(java.nio.channels.Channel channel, int seconds) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(seconds * 1000L);
        channel.close();
      } catch (InterruptedException | IOException e) {
        // the channel is closed or the JVM is exiting: nothing left to bound
      }
    }, "deadline");
    t.setDaemon(true);
    t.start();
  }
}
