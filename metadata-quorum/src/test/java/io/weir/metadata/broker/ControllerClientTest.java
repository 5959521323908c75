package io.weir.metadata.broker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.metadata.raft.runtime.ControllerListener;
import io.weir.metadata.raft.runtime.Endpoint;
import io.weir.proto.v1.BrokerHeartbeatRequest;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ControllerClientTest {
    @Test
    void givesUpWithinItsTimeoutWhenNoControllerServes() {
        // A listener with no ControllerService: every call fails UNIMPLEMENTED, as a node still starting would.
        try (ControllerListener listener = ControllerListener.bind("127.0.0.1", 0)) {
            TreeMap<Integer, Endpoint> voters = new TreeMap<>();
            voters.put(1, listener.endpoint());
            try (ControllerClient client = new ControllerClient(voters, 2000, 20)) {
                ControllerUnavailableException e = assertThrows(ControllerUnavailableException.class,
                        () -> client.brokerHeartbeat(BrokerHeartbeatRequest.newBuilder().setBrokerId(1).build()));
                assertTrue(e.getMessage().contains("no active controller answered within 2000 ms"), e.getMessage());
                assertTrue(e.getMessage().contains("UNIMPLEMENTED"), e.getMessage());
            }
        }
    }
}
