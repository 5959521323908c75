package io.weir.storage.kv;

/**
 * A RocksDB operation failed (I/O error, corruption, lock held, ...). Unchecked because callers such as
 * the Raft runtime cannot recover locally: they fail the node, and the message says which store, column
 * family and operation so an operator can act on it.
 */
public final class KvStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KvStoreException(String message) {
        super(message);
    }

    public KvStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
