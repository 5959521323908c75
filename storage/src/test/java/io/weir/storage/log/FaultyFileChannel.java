package io.weir.storage.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file channel that behaves like a disk that fills up or breaks on command: with {@link
 * Faults#failWrites} set, a write stores half its bytes and then fails with "No space left on
 * device"; with {@link Faults#failReads}, reads fail. Tests run as root, so permissions cannot be
 * relied on to make the file system refuse.
 */
final class FaultyFileChannel extends FileChannel {
  /** Switches shared by every channel one factory opened. */
  static final class Faults {
    final AtomicBoolean failWrites = new AtomicBoolean();
    final AtomicBoolean failReads = new AtomicBoolean();

    FileChannelFactory factory() {
      return path -> new FaultyFileChannel(FileChannelFactory.DEFAULT.open(path), this, path);
    }
  }

  private final FileChannel delegate;
  private final Faults faults;
  private final Path path;

  private FaultyFileChannel(FileChannel delegate, Faults faults, Path path) {
    this.delegate = delegate;
    this.faults = faults;
    this.path = path;
  }

  private void checkRead() throws IOException {
    if (faults.failReads.get()) {
      throw new IOException("Input/output error reading " + path);
    }
  }

  private IOException diskFull() {
    return new IOException("No space left on device writing " + path);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    checkRead();
    return delegate.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    checkRead();
    return delegate.read(dsts, offset, length);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    checkRead();
    return delegate.read(dst, position);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (faults.failWrites.get()) {
      throw diskFull();
    }
    return delegate.write(src);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    if (faults.failWrites.get()) {
      throw diskFull();
    }
    return delegate.write(srcs, offset, length);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    if (faults.failWrites.get()) {
      int half = src.remaining() / 2;
      if (half > 0) {
        ByteBuffer part = src.duplicate().limit(src.position() + half);
        delegate.write(part, position);
      }
      throw diskFull();
    }
    return delegate.write(src, position);
  }

  @Override
  public long position() throws IOException {
    return delegate.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    delegate.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return delegate.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (faults.failWrites.get()) {
      throw diskFull();
    }
    delegate.truncate(size);
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    if (faults.failWrites.get()) {
      throw diskFull();
    }
    delegate.force(metaData);
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    checkRead();
    return delegate.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    if (faults.failWrites.get()) {
      throw diskFull();
    }
    return delegate.transferFrom(src, position, count);
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return delegate.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return delegate.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return delegate.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    delegate.close();
  }
}
