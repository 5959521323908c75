package io.weir.metadata.raft;

import io.weir.metadata.raft.RaftMessage.AppendRequest;
import io.weir.metadata.raft.RaftMessage.AppendResponse;
import io.weir.metadata.raft.RaftMessage.HeartbeatRequest;
import io.weir.metadata.raft.RaftMessage.HeartbeatResponse;
import io.weir.metadata.raft.RaftMessage.InstallSnapshotRequest;
import io.weir.metadata.raft.RaftMessage.InstallSnapshotResponse;
import io.weir.metadata.raft.RaftMessage.VoteRequest;
import io.weir.metadata.raft.RaftMessage.VoteResponse;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The Raft consensus core for one node: a deterministic state machine with no threads, clocks, I/O or
 * randomness other than the seeded generator of its {@link RaftConfig}. The runtime feeds it
 * {@link #step messages}, {@link #tick ticks}, {@link #propose proposals} and {@link #readIndex reads}, then
 * takes a {@link Ready} of what to persist, send and apply (see {@link Ready} for the processing order) and
 * acknowledges it with {@link #advance}. The same configuration, persisted state and sequence of calls
 * always yields the same Readys.
 *
 * <p>Implements Raft (Ongaro &amp; Ousterhout) with PreVote and CheckQuorum, leader stickiness (a voter that
 * has heard from a leader within an election timeout ignores vote requests), a no-op entry at the start of
 * each term, commit by counting replicas of current-term entries only (§5.4.2), fast backoff on log
 * conflicts, batched and pipelined replication, chunked snapshot transfer, ReadIndex and observers.
 *
 * <p>Not thread-safe: confined to the single thread that drives it.
 */
public final class RaftNode {

    public static final int NO_LEADER = -1;

    private final RaftConfig config;
    private final SplittableRandom random;
    private final RaftLog log;
    private final boolean voter;

    private long term;
    private int votedFor;
    private int leaderId = NO_LEADER;
    private Role role;
    private long nowTick;
    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;
    /** Leader only: when it took office, the start of every follower's CheckQuorum grace period. */
    private long leaderSinceTick;

    /** Leader only: one entry per other voter and observer, ascending by id. */
    private final TreeMap<Integer, Progress> progress = new TreeMap<>();
    /** (Pre-)candidate only: the answers received in this round. */
    private final TreeMap<Integer, Boolean> votes = new TreeMap<>();
    /** Leader only: {last index, bytes} of each accepted proposal batch not yet committed, oldest first. */
    private final ArrayDeque<long[]> uncommitted = new ArrayDeque<>();
    private long uncommittedBytes;
    /** Leader only: new entries or a new commit index wait here for the next Ready, to batch them. */
    private boolean broadcastPending;

    /** Leader only: reads waiting for their heartbeat round, in round order. */
    private final ArrayDeque<PendingRead> pendingReads = new ArrayDeque<>();
    /** Leader only: reads that arrived before the leader committed an entry of its own term. */
    private final List<Long> readsAwaitingCommit = new ArrayList<>();
    /** Never reset, so a round number is never reused across terms. */
    private long readRound;
    /** Leader only: reads joined round {@code readRound}, whose heartbeats go out with the next Ready. */
    private boolean readRoundPending;

    /** Follower only: the snapshot being received in chunks (header, leader term, bytes so far), or null. */
    private Snapshot incomingSnapshotHeader;
    private long incomingSnapshotLeaderTerm;
    private ByteArrayOutputStream incomingSnapshotData;

    private List<RaftMessage> messages = new ArrayList<>();
    private final List<ReadState> readStates = new ArrayList<>();
    private HardState lastReadyHardState;
    private Ready outstanding;

    private record PendingRead(long ctx, long index, long round) {
    }

    /**
     * Restores a node from its persisted state. Applied state is assumed to be the storage's snapshot:
     * committed entries after it come back in Readys to be re-applied.
     */
    public RaftNode(RaftConfig config, RaftStorage storage) {
        this.config = config;
        this.random = new SplittableRandom(config.randomSeed());
        this.log = new RaftLog(storage);
        this.voter = config.isVoter();
        HardState hs = storage.hardState();
        this.term = hs.term();
        this.votedFor = hs.votedFor();
        this.lastReadyHardState = hs;
        becomeFollower(term, NO_LEADER);
    }

    // ---------------------------------------------------------------- inputs

    /** Advances the logical clock by one tick: elections, heartbeats and CheckQuorum run off it. */
    public void tick() {
        nowTick++;
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            electionElapsed++;
            if (voter && electionElapsed >= randomizedElectionTimeout) {
                electionElapsed = 0;
                campaign(true);
            }
        }
    }

    /**
     * Proposes entries. Only the leader accepts; entries are batched into the AppendEntries of the next
     * {@link Ready}.
     */
    public ProposeResult propose(List<byte[]> data) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("nothing to propose");
        }
        if (role != Role.LEADER) {
            return new NotLeader(leaderId);
        }
        long first = log.lastIndex() + 1;
        List<Entry> entries = new ArrayList<>(data.size());
        long bytes = 0;
        for (int i = 0; i < data.size(); i++) {
            Entry e = new Entry(term, first + i, Entry.Type.NORMAL, data.get(i));
            entries.add(e);
            bytes += e.sizeBytes();
        }
        if (uncommittedBytes > 0 && uncommittedBytes + bytes > config.maxUncommittedBytes()) {
            return new ProposeResult.Throttled(uncommittedBytes);
        }
        uncommitted.addLast(new long[] {first + data.size() - 1, bytes});
        uncommittedBytes += bytes;
        appendAsLeader(entries);
        return new ProposeResult.Accepted(term, first, first + data.size() - 1);
    }

    /**
     * Starts a linearizable read. The leader records its commit index and confirms with a heartbeat round
     * that a majority still follows it; then a {@link ReadState} with {@code requestCtx} appears in a Ready.
     */
    public ReadIndexResult readIndex(long requestCtx) {
        if (role != Role.LEADER) {
            return new NotLeader(leaderId);
        }
        if (log.term(log.committed()) != term) {
            // Until its no-op commits, the leader does not know the latest commit index (§8).
            readsAwaitingCommit.add(requestCtx);
        } else {
            startReadRound(requestCtx);
        }
        return new ReadIndexResult.Pending(requestCtx);
    }

    /** Delivers a message from another node. */
    public void step(RaftMessage m) {
        if (m.to() != config.nodeId()) {
            throw new IllegalArgumentException("message for node " + m.to() + " delivered to node " + config.nodeId());
        }
        if (!isMember(m.from()) || m.from() == config.nodeId()) {
            throw new IllegalArgumentException("message from node " + m.from()
                    + ", which is not another member of " + config.voters() + " / " + config.observers());
        }
        if (m.term() > term) {
            if (m instanceof VoteRequest v) {
                if (role == Role.LEADER
                        || (leaderId != NO_LEADER && electionElapsed < config.electionTimeoutTicks())) {
                    return; // within a live leader's lease: a disruptive candidate gets no answer
                }
                if (!v.preVote()) {
                    becomeFollower(m.term(), NO_LEADER);
                }
            } else if (m instanceof VoteResponse r && r.preVote() && r.granted()) {
                // carries the term we would campaign in, not a newer term
            } else if (m instanceof AppendRequest || m instanceof HeartbeatRequest
                    || m instanceof InstallSnapshotRequest) {
                becomeFollower(m.term(), m.from());
            } else {
                becomeFollower(m.term(), NO_LEADER);
            }
        } else if (m.term() < term) {
            if (m instanceof AppendRequest || m instanceof HeartbeatRequest || m instanceof InstallSnapshotRequest) {
                // Tell a deposed leader about the newer term; without this, CheckQuorum plus PreVote can
                // leave it stuck sending to nodes that silently drop it.
                send(new AppendResponse(config.nodeId(), m.from(), term, false, 0, 0, 0));
            } else if (m instanceof VoteRequest v && v.preVote()) {
                send(new VoteResponse(config.nodeId(), m.from(), term, false, true));
            }
            return;
        }

        if (m instanceof VoteRequest v) {
            handleVoteRequest(v);
            return;
        }
        switch (role) {
            case LEADER -> stepLeader(m);
            case PRE_CANDIDATE, CANDIDATE -> stepCandidate(m);
            case FOLLOWER, OBSERVER -> stepFollower(m);
        }
    }

    // ---------------------------------------------------------------- Ready

    public boolean hasReady() {
        if (outstanding != null) {
            return false;
        }
        return (role == Role.LEADER && (broadcastPending || readRoundPending)) || !messages.isEmpty() || !readStates.isEmpty()
                || !hardState().equals(lastReadyHardState) || log.hasUnstableEntries()
                || log.unstableSnapshot() != null || log.hasNextCommittedEntries();
    }

    /** Takes what is to be persisted, sent and applied. Must be followed by {@link #advance} before the next. */
    public Ready ready() {
        if (outstanding != null) {
            throw new IllegalStateException("the previous Ready has not been advanced");
        }
        flushBroadcast();
        HardState hs = hardState();
        Ready ready = new Ready(
                hs.equals(lastReadyHardState) ? Optional.empty() : Optional.of(hs),
                log.unstableEntries(),
                Optional.ofNullable(log.unstableSnapshot()),
                messages,
                log.hasNextCommittedEntries() ? log.nextCommittedEntries(config.maxBytesPerAppend()) : List.of(),
                readStates);
        messages = new ArrayList<>();
        readStates.clear();
        outstanding = ready;
        return ready;
    }

    /** Acknowledges that {@code ready} was persisted, sent and applied. */
    public void advance(Ready ready) {
        if (ready != outstanding) {
            throw new IllegalArgumentException("advance called with a Ready that is not the outstanding one");
        }
        outstanding = null;
        ready.hardState().ifPresent(hs -> lastReadyHardState = hs);
        ready.snapshot().ifPresent(s -> log.stableSnapshotTo(s.index()));
        if (!ready.entries().isEmpty()) {
            Entry last = ready.entries().get(ready.entries().size() - 1);
            log.stableTo(last.index(), last.term());
        }
        if (!ready.committedEntries().isEmpty()) {
            log.appliedTo(ready.committedEntries().get(ready.committedEntries().size() - 1).index());
        }
    }

    // ---------------------------------------------------------------- observation

    public int nodeId() {
        return config.nodeId();
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    public int leaderId() {
        return leaderId;
    }

    public long commitIndex() {
        return log.committed();
    }

    public QuorumStatus status() {
        List<QuorumStatus.Replica> replicas = new ArrayList<>();
        if (role == Role.LEADER) {
            long last = log.lastIndex();
            TreeMap<Integer, QuorumStatus.Replica> rows = new TreeMap<>();
            rows.put(config.nodeId(), new QuorumStatus.Replica(config.nodeId(), true, last, 0, nowTick));
            for (Progress pr : progress.values()) {
                rows.put(pr.id, new QuorumStatus.Replica(pr.id, pr.voter, pr.match, last - pr.match, pr.lastContactTick));
            }
            replicas.addAll(rows.values());
        }
        return new QuorumStatus(config.nodeId(), role, leaderId, term, log.committed(), log.lastIndex(), nowTick,
                replicas);
    }

    private HardState hardState() {
        return new HardState(term, votedFor, log.committed());
    }

    // ---------------------------------------------------------------- roles

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            votedFor = HardState.NO_VOTE;
        }
        leaderId = NO_LEADER;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.electionTimeoutTicks() + random.nextInt(config.electionTimeoutTicks());
        votes.clear();
        progress.clear();
        broadcastPending = false;
        pendingReads.clear();
        readsAwaitingCommit.clear();
        readRoundPending = false;
        uncommitted.clear();
        uncommittedBytes = 0;
    }

    private void becomeFollower(long newTerm, int leader) {
        reset(newTerm);
        leaderId = leader;
        role = voter ? Role.FOLLOWER : Role.OBSERVER;
    }

    private void campaign(boolean preVote) {
        long voteTerm;
        if (preVote) {
            role = Role.PRE_CANDIDATE;
            leaderId = NO_LEADER;
            votes.clear();
            voteTerm = term + 1;
        } else {
            reset(term + 1);
            votedFor = config.nodeId();
            role = Role.CANDIDATE;
            voteTerm = term;
        }
        if (poll(config.nodeId(), true) == VoteOutcome.WON) {
            onElectionWon(preVote);
            return;
        }
        for (int id : config.voters()) {
            if (id != config.nodeId()) {
                send(new VoteRequest(config.nodeId(), id, voteTerm, log.lastIndex(), log.lastTerm(), preVote));
            }
        }
    }

    private void onElectionWon(boolean preVote) {
        if (preVote) {
            campaign(false);
        } else {
            becomeLeader();
        }
    }

    private void becomeLeader() {
        reset(term);
        role = Role.LEADER;
        leaderId = config.nodeId();
        leaderSinceTick = nowTick;
        long next = log.lastIndex() + 1;
        for (int id : config.voters()) {
            if (id != config.nodeId()) {
                progress.put(id, new Progress(id, true, next));
            }
        }
        for (int id : config.observers()) {
            progress.put(id, new Progress(id, false, next));
        }
        // The no-op lets the leader commit, and so learn the commit index, without waiting for a proposal.
        appendAsLeader(List.of(Entry.noop(term, next)));
    }

    private enum VoteOutcome { WON, LOST, PENDING }

    private VoteOutcome poll(int from, boolean granted) {
        votes.putIfAbsent(from, granted);
        int yes = 0;
        int no = 0;
        for (boolean g : votes.values()) {
            if (g) {
                yes++;
            } else {
                no++;
            }
        }
        if (yes >= config.quorum()) {
            return VoteOutcome.WON;
        }
        return no > config.voters().size() - config.quorum() ? VoteOutcome.LOST : VoteOutcome.PENDING;
    }

    // ---------------------------------------------------------------- elections

    private void handleVoteRequest(VoteRequest v) {
        boolean canVote = votedFor == v.from()
                || (votedFor == HardState.NO_VOTE && leaderId == NO_LEADER)
                || (v.preVote() && v.term() > term);
        if (voter && config.voters().contains(v.from()) && canVote && log.isUpToDate(v.lastLogIndex(), v.lastLogTerm())) {
            send(new VoteResponse(config.nodeId(), v.from(), v.preVote() ? v.term() : term, true, v.preVote()));
            if (!v.preVote()) {
                electionElapsed = 0;
                votedFor = v.from();
            }
        } else {
            send(new VoteResponse(config.nodeId(), v.from(), term, false, v.preVote()));
        }
    }

    private void stepCandidate(RaftMessage m) {
        if (m instanceof AppendRequest || m instanceof HeartbeatRequest || m instanceof InstallSnapshotRequest) {
            becomeFollower(term, m.from()); // a leader won this term
            stepFollower(m);
        } else if (m instanceof VoteResponse r && r.preVote() == (role == Role.PRE_CANDIDATE)) {
            switch (poll(r.from(), r.granted())) {
                case WON -> onElectionWon(r.preVote());
                case LOST -> becomeFollower(term, NO_LEADER);
                case PENDING -> { }
            }
        }
    }

    // ---------------------------------------------------------------- follower side

    private void stepFollower(RaftMessage m) {
        if (m instanceof AppendRequest || m instanceof HeartbeatRequest || m instanceof InstallSnapshotRequest) {
            electionElapsed = 0;
            leaderId = m.from();
        }
        if (m instanceof AppendRequest a) {
            handleAppend(a);
        } else if (m instanceof HeartbeatRequest h) {
            handleHeartbeat(h);
        } else if (m instanceof InstallSnapshotRequest s) {
            handleSnapshotChunk(s);
        }
    }

    private void handleAppend(AppendRequest a) {
        if (a.prevLogIndex() < log.committed()) {
            send(AppendResponse.accept(config.nodeId(), a.from(), term, log.committed()));
            return;
        }
        long lastNew = log.maybeAppend(a.prevLogIndex(), a.prevLogTerm(), a.leaderCommit(), a.entries());
        if (lastNew >= 0) {
            send(AppendResponse.accept(config.nodeId(), a.from(), term, lastNew));
            return;
        }
        // Entries above the hint cannot match the leader's entry at prevLogIndex; committed ones always do.
        long hintIndex = log.findConflictByTerm(Math.min(a.prevLogIndex(), log.lastIndex()), a.prevLogTerm(),
                log.committed());
        long hintTerm = Math.max(log.term(hintIndex), 0);
        send(new AppendResponse(config.nodeId(), a.from(), term, false, a.prevLogIndex(), hintIndex, hintTerm));
    }

    private void handleHeartbeat(HeartbeatRequest h) {
        log.commitTo(h.commit());
        send(new HeartbeatResponse(config.nodeId(), h.from(), term, h.readRound()));
    }

    private void handleSnapshotChunk(InstallSnapshotRequest c) {
        if (c.snapshotIndex() <= log.committed()) {
            incomingSnapshotHeader = null;
            incomingSnapshotData = null;
            sendSnapshotResponse(c, 0, true, log.committed());
            return;
        }
        if (c.offset() == 0) {
            incomingSnapshotHeader = new Snapshot(c.snapshotIndex(), c.snapshotTerm(), c.voters(), new byte[0]);
            incomingSnapshotLeaderTerm = c.term();
            incomingSnapshotData = new ByteArrayOutputStream();
        } else if (incomingSnapshotHeader == null || incomingSnapshotHeader.index() != c.snapshotIndex()
                || incomingSnapshotHeader.term() != c.snapshotTerm() || incomingSnapshotLeaderTerm != c.term()) {
            // Another leader's snapshot at the same index may serialise differently: never mix chunks.
            sendSnapshotResponse(c, 0, false, 0); // a chunk of a transfer we do not hold: restart it
            return;
        }
        if (c.offset() != incomingSnapshotData.size()) {
            sendSnapshotResponse(c, incomingSnapshotData.size(), false, 0); // duplicate or gap
            return;
        }
        incomingSnapshotData.writeBytes(c.chunk());
        if (!c.done()) {
            sendSnapshotResponse(c, incomingSnapshotData.size(), false, 0);
            return;
        }
        Snapshot s = new Snapshot(c.snapshotIndex(), c.snapshotTerm(), c.voters(), incomingSnapshotData.toByteArray());
        incomingSnapshotHeader = null;
        incomingSnapshotData = null;
        if (log.matchTerm(s.index(), s.term())) {
            log.commitTo(s.index()); // our log already holds what the snapshot covers: keep it
        } else {
            log.restore(s);
        }
        sendSnapshotResponse(c, s.data().length, true, s.index());
    }

    private void sendSnapshotResponse(InstallSnapshotRequest c, long nextOffset, boolean done, long matchIndex) {
        send(new InstallSnapshotResponse(config.nodeId(), c.from(), term, c.snapshotIndex(), nextOffset, done,
                matchIndex));
    }

    // ---------------------------------------------------------------- leader side

    private void tickLeader() {
        heartbeatElapsed++;
        if (!quorumActive()) {
            becomeFollower(term, NO_LEADER); // CheckQuorum: we may be on the minority side of a partition
            return;
        }
        if (heartbeatElapsed >= config.heartbeatTicks()) {
            heartbeatElapsed = 0;
            // Repeats the latest read round while reads wait, in case its heartbeats were lost.
            broadcastHeartbeat(pendingReads.isEmpty() || readRoundPending ? 0 : readRound);
        }
        int resendAfter = Math.max(1, config.electionTimeoutTicks() / 2);
        for (Progress pr : progress.values()) {
            if (pr.state == Progress.State.SNAPSHOT && nowTick - pr.snapshotSentTick >= resendAfter) {
                sendSnapshotChunk(pr); // the chunk or its answer was lost
            }
        }
    }

    /** Whether a majority of voters (this leader included) was heard from within an election timeout. */
    private boolean quorumActive() {
        int active = 1;
        for (Progress pr : progress.values()) {
            if (pr.voter && nowTick - Math.max(pr.lastContactTick, leaderSinceTick) < config.electionTimeoutTicks()) {
                active++;
            }
        }
        return active >= config.quorum();
    }

    private void broadcastHeartbeat(long round) {
        for (Progress pr : progress.values()) {
            long commit = Math.min(pr.match, log.committed());
            send(new HeartbeatRequest(config.nodeId(), pr.id, term, commit, pr.voter ? round : 0));
        }
    }

    private void appendAsLeader(List<Entry> entries) {
        log.append(entries);
        broadcastPending = true;
        maybeCommit();
    }

    private void flushBroadcast() {
        if (role != Role.LEADER) {
            return;
        }
        if (readRoundPending) {
            readRoundPending = false;
            broadcastHeartbeat(readRound);
        }
        if (!broadcastPending) {
            return;
        }
        broadcastPending = false;
        for (Progress pr : progress.values()) {
            sendAppend(pr, true);
            while (pr.state == Progress.State.REPLICATE && sendAppend(pr, false)) {
                // pipeline until caught up or the in-flight window is full
            }
        }
    }

    private void stepLeader(RaftMessage m) {
        Progress pr = progress.get(m.from());
        pr.lastContactTick = nowTick;
        if (m instanceof AppendResponse r) {
            handleAppendResponse(pr, r);
        } else if (m instanceof HeartbeatResponse h) {
            pr.probeSent = false;
            if (pr.state == Progress.State.REPLICATE && pr.inflight.size() >= config.maxInflightAppends()) {
                pr.inflight.pollFirst(); // the follower is alive: let one more append through
            }
            if (pr.match < log.lastIndex()) {
                sendAppend(pr, true);
            }
            if (h.readRound() > pr.readRoundAcked && pr.voter) {
                pr.readRoundAcked = h.readRound();
                releaseConfirmedReads();
            }
        } else if (m instanceof InstallSnapshotResponse s) {
            handleSnapshotResponse(pr, s);
        }
    }

    private void handleAppendResponse(Progress pr, AppendResponse r) {
        if (!r.success()) {
            long hintIndex = r.rejectHintIndex();
            if (r.rejectHintTerm() > 0) {
                hintIndex = log.findConflictByTerm(hintIndex, r.rejectHintTerm(), 0);
            }
            if (pr.maybeDecreaseTo(r.index(), hintIndex + 1)) {
                if (pr.state == Progress.State.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(pr, true);
            }
            return;
        }
        boolean wasPaused = pr.isPaused(config.maxInflightAppends());
        if (!pr.maybeUpdate(r.index())) {
            return;
        }
        switch (pr.state) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match >= pr.pendingSnapshot.index()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.freeInflightTo(r.index());
        }
        if (maybeCommit()) {
            broadcastPending = true;
        }
        boolean sent = false;
        while (sendAppend(pr, false)) {
            sent = true; // keep the pipeline full
        }
        if (!sent && wasPaused) {
            sendAppend(pr, true); // it was skipped while paused, so it may not know the commit index
        }
    }

    private void handleSnapshotResponse(Progress pr, InstallSnapshotResponse s) {
        if (pr.state != Progress.State.SNAPSHOT || s.snapshotIndex() != pr.pendingSnapshot.index()) {
            if (s.done() && pr.maybeUpdate(s.matchIndex()) && maybeCommit()) {
                broadcastPending = true;
            }
            return;
        }
        if (s.done()) {
            pr.maybeUpdate(s.matchIndex());
            pr.becomeProbe();
            if (maybeCommit()) {
                broadcastPending = true;
            }
            sendAppend(pr, true);
        } else if (s.nextOffset() != pr.snapshotOffset) {
            // Progress, or the follower lost the transfer and asks for an earlier offset. An answer equal to
            // what we sent last is a duplicate: the tick-driven resend covers a real loss.
            pr.snapshotOffset = Math.min(s.nextOffset(), pr.pendingSnapshot.data().length);
            sendSnapshotChunk(pr);
        }
    }

    /** Sends the next entries (or a snapshot if they are compacted); returns whether a message went out. */
    private boolean sendAppend(Progress pr, boolean sendIfEmpty) {
        if (pr.isPaused(config.maxInflightAppends())) {
            return false;
        }
        long prevIndex = pr.next - 1;
        long prevTerm = log.term(prevIndex);
        if (prevTerm == RaftLog.UNAVAILABLE) {
            Snapshot snapshot = log.snapshot();
            if (snapshot.index() < prevIndex) {
                throw new IllegalStateException("no entry or snapshot at index " + prevIndex + " for node " + pr.id);
            }
            pr.becomeSnapshot(snapshot, nowTick);
            sendSnapshotChunk(pr);
            return true;
        }
        long last = log.lastIndex();
        List<Entry> entries = pr.next > last ? List.of()
                : log.entries(pr.next, Math.min(last + 1, pr.next + config.maxEntriesPerAppend()),
                        config.maxBytesPerAppend());
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        send(new AppendRequest(config.nodeId(), pr.id, term, prevIndex, prevTerm, entries, log.committed()));
        if (pr.state == Progress.State.REPLICATE && !entries.isEmpty()) {
            long lastSent = entries.get(entries.size() - 1).index();
            pr.next = lastSent + 1;
            pr.inflight.addLast(lastSent);
        } else if (pr.state == Progress.State.PROBE) {
            pr.probeSent = true;
        }
        return true;
    }

    private void sendSnapshotChunk(Progress pr) {
        Snapshot s = pr.pendingSnapshot;
        int from = (int) pr.snapshotOffset;
        int to = Math.min(s.data().length, from + config.snapshotChunkBytes());
        send(new InstallSnapshotRequest(config.nodeId(), pr.id, term, s.index(), s.term(), s.voters(), from,
                Arrays.copyOfRange(s.data(), from, to), to == s.data().length));
        pr.snapshotSentTick = nowTick;
    }

    /** Raft §5.4.2: advance the commit index only over an entry of the current term held by a majority. */
    private boolean maybeCommit() {
        long[] matches = new long[config.voters().size()];
        int n = 0;
        matches[n++] = log.lastIndex();
        for (Progress pr : progress.values()) {
            if (pr.voter) {
                matches[n++] = pr.match;
            }
        }
        Arrays.sort(matches);
        long candidate = matches[matches.length - config.quorum()];
        if (candidate <= log.committed() || log.term(candidate) != term) {
            return false;
        }
        boolean firstCommitInTerm = log.term(log.committed()) != term;
        log.commitTo(candidate);
        while (!uncommitted.isEmpty() && uncommitted.peekFirst()[0] <= candidate) {
            uncommittedBytes -= uncommitted.pollFirst()[1];
        }
        if (firstCommitInTerm) {
            for (long ctx : readsAwaitingCommit) {
                startReadRound(ctx);
            }
            readsAwaitingCommit.clear();
        }
        return true;
    }

    // ---------------------------------------------------------------- ReadIndex

    /** Reads arriving between two Readys share one heartbeat round. */
    private void startReadRound(long ctx) {
        if (!readRoundPending) {
            readRound++;
            readRoundPending = true;
        }
        pendingReads.addLast(new PendingRead(ctx, log.committed(), readRound));
        if (config.quorum() == 1) {
            readRoundPending = false;
            releaseConfirmedReads();
        }
    }

    private void releaseConfirmedReads() {
        long[] acked = new long[config.voters().size()];
        int n = 0;
        acked[n++] = readRound;
        for (Progress pr : progress.values()) {
            if (pr.voter) {
                acked[n++] = pr.readRoundAcked;
            }
        }
        Arrays.sort(acked);
        long confirmed = acked[acked.length - config.quorum()];
        while (!pendingReads.isEmpty() && pendingReads.peekFirst().round() <= confirmed) {
            PendingRead r = pendingReads.pollFirst();
            readStates.add(new ReadState(r.ctx(), r.index()));
        }
    }

    // ---------------------------------------------------------------- helpers

    private boolean isMember(int id) {
        return config.voters().contains(id) || config.observers().contains(id);
    }

    private void send(RaftMessage m) {
        messages.add(m);
    }
}
