package io.weir.metadata.raft.runtime;

/**
 * A proposal the leader had appended was replaced in the log by another leader's entry (or by a snapshot
 * covering its index), so it was not committed. Safe to retry.
 */
public final class ProposalLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProposalLostException(long index, long term) {
        super("the proposal appended at index " + index + " in term " + term
                + " was overwritten by another leader's log and not committed");
    }
}
