package io.weir.metadata.raft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weir.metadata.raft.Entry;
import io.weir.metadata.raft.HardState;
import io.weir.metadata.raft.RaftMessage;
import io.weir.metadata.raft.Snapshot;
import io.weir.proto.v1.RaftEntry;
import io.weir.proto.v1.RaftEnvelope;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RaftCodecTest {

    private static final List<RaftMessage> ONE_OF_EACH = List.of(
            new RaftMessage.VoteRequest(1, 2, 7, 100, 6, true),
            new RaftMessage.VoteResponse(2, 1, 7, true, false),
            new RaftMessage.AppendRequest(1, 3, 7, 99, 6, List.of(
                    new Entry(7, 100, Entry.Type.NOOP, new byte[0]),
                    new Entry(7, 101, Entry.Type.NORMAL, new byte[] {1, 2, 3})), 98),
            new RaftMessage.AppendResponse(3, 1, 7, false, 99, 42, 5),
            new RaftMessage.HeartbeatRequest(1, 2, 7, 98, 11),
            new RaftMessage.HeartbeatResponse(2, 1, 7, 11),
            new RaftMessage.InstallSnapshotRequest(1, 2, 7, 500, 6, List.of(1, 2, 3), 65536, new byte[] {9, 8}, true),
            new RaftMessage.InstallSnapshotResponse(2, 1, 7, 500, 65538, true, 500));

    @Test
    void everyMessageRecordRoundTrips() throws Exception {
        for (RaftMessage m : ONE_OF_EACH) {
            RaftEnvelope wire = RaftCodec.toProto(m);
            assertEquals(m, RaftCodec.fromProto(RaftEnvelope.parseFrom(wire.toByteArray())));
        }
    }

    @Test
    void theMappingCoversEveryMessageTheCoreDefines() {
        // Fails when the core adds a message record the wire cannot carry yet.
        Set<Class<?>> covered = ONE_OF_EACH.stream().map(Object::getClass).collect(Collectors.toSet());
        Set<Class<?>> defined = Stream.of(RaftMessage.class.getPermittedSubclasses()).collect(Collectors.toSet());
        assertEquals(defined, covered);
    }

    @Test
    void storageRecordsRoundTrip() {
        Entry e = new Entry(3, 9, Entry.Type.NORMAL, new byte[] {4, 5});
        assertEquals(e, RaftCodec.fromProto(RaftCodec.toProto(e)));
        HardState hs = new HardState(4, HardState.NO_VOTE, 8);
        assertEquals(hs, RaftCodec.fromProto(RaftCodec.toProto(hs)));
        Snapshot s = new Snapshot(10, 3, List.of(1, 2, 3), new byte[] {1});
        assertEquals(s, RaftCodec.fromProto(RaftCodec.toProto(s)));
    }

    @Test
    void malformedInputIsRefusedByName() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> RaftCodec.fromProto(RaftEnvelope.getDefaultInstance()));
        assertEquals("Raft envelope without a known message: MESSAGE_NOT_SET", empty.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RaftCodec.fromProto(RaftEntry.newBuilder().setTerm(0).setIndex(1).build()));
    }
}
