package io.weir.metadata.controller;

import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.ClusterImage;
import io.weir.metadata.image.Endpoint;
import io.weir.metadata.image.MetadataImage;
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.RegisterBrokerRecord;
import java.util.List;

/**
 * The broker lifecycle as in KRaft: a broker registers fenced; once its
 * metadata has caught up a heartbeat unfences it; a missed session fences it;
 * a controlled shutdown first moves its leaderships away, then lets it go.
 */
final class ClusterControlManager {
    private final ReplicationControlManager replication;
    private final BrokerHeartbeatManager heartbeats;

    ClusterControlManager(ReplicationControlManager replication, BrokerHeartbeatManager heartbeats) {
        this.replication = replication;
        this.heartbeats = heartbeats;
    }

    static ApiError checkBrokerEpoch(ClusterImage cluster, int brokerId, long brokerEpoch) {
        BrokerRegistration b = cluster.broker(brokerId);
        if (b == null) {
            return ApiError.of(Errors.BROKER_ID_NOT_REGISTERED, "Broker " + brokerId + " is not registered.");
        }
        if (b.epoch() != brokerEpoch) {
            return ApiError.of(Errors.STALE_BROKER_EPOCH, "Broker " + brokerId + " is at epoch " + b.epoch()
                    + ", the request carries " + brokerEpoch + ".");
        }
        return ApiError.NONE;
    }

    ControllerResult<RegisterBrokerReply> registerBroker(MetadataImage image, RegisterBrokerRequest req, long nowMs) {
        String invalid = invalidRegistration(req);
        if (invalid != null) {
            return ControllerResult.noRecords(new RegisterBrokerReply(ApiError.of(Errors.INVALID_REQUEST, invalid), -1));
        }
        BrokerRegistration existing = image.cluster().broker(req.brokerId());
        // A broker the controller let go (controlled shutdown done) holds no session, as in Kafka: its
        // restart registers at once rather than after broker.session.timeout.ms.
        boolean letGo = existing != null && existing.fenced() && existing.inControlledShutdown();
        if (existing != null && !existing.incarnationId().equals(req.incarnationId()) && !letGo
                && heartbeats.hasValidSession(req.brokerId(), nowMs)) {
            return ControllerResult.noRecords(new RegisterBrokerReply(ApiError.of(
                    Errors.DUPLICATE_BROKER_REGISTRATION, "Another broker is registered with that broker id."), -1));
        }
        // The epoch must grow with every registration; the image offset makes it also unique over time, as
        // Kafka's registration-record offset does.
        long epoch = Math.max(image.offset() + 1, existing == null ? 0 : existing.epoch() + 1);
        RegisterBrokerRecord.Builder r = RegisterBrokerRecord.newBuilder()
                .setBrokerId(req.brokerId())
                .setIncarnationId(req.incarnationId())
                .setBrokerEpoch(epoch)
                .setRack(req.rack().orElse(""))
                .setFenced(true);
        req.listeners().forEach(l -> r.addListenersBuilder().setName(l.name()).setHost(l.host()).setPort(l.port()));
        RecordBuffer buffer = new RecordBuffer(image);
        buffer.add(MetadataRecord.newBuilder().setRegisterBroker(r).build());
        if (existing != null && !existing.fenced()) {
            // A restarted broker lost its state: what it led must move before it is counted fenced.
            buffer.addAll(replication.changesForIneligibleBroker(buffer.image(), req.brokerId()));
        }
        heartbeats.touch(req.brokerId(), nowMs);
        return buffer.result(new RegisterBrokerReply(ApiError.NONE, epoch));
    }

    private static String invalidRegistration(RegisterBrokerRequest req) {
        if (req.brokerId() < 0) {
            return "Invalid broker id " + req.brokerId() + ": must be non-negative.";
        }
        if (req.incarnationId().isEmpty()) {
            return "Broker " + req.brokerId() + " registered without an incarnation id.";
        }
        if (req.listeners().isEmpty()) {
            return "Broker " + req.brokerId() + " registered without listeners.";
        }
        for (Endpoint l : req.listeners()) {
            if (l.port() < 0 || l.port() > 65535) {
                return "Listener " + l.name() + " of broker " + req.brokerId() + " has invalid port " + l.port() + ".";
            }
        }
        return null;
    }

    ControllerResult<BrokerHeartbeatReply> brokerHeartbeat(MetadataImage image, BrokerHeartbeatRequest req,
                                                            long nowMs) {
        ApiError error = checkBrokerEpoch(image.cluster(), req.brokerId(), req.brokerEpoch());
        if (!error.isSuccess()) {
            return ControllerResult.noRecords(BrokerHeartbeatReply.failed(error));
        }
        heartbeats.touch(req.brokerId(), nowMs);
        BrokerRegistration b = image.cluster().broker(req.brokerId());
        // The broker epoch is at most the offset of the registration record: a broker past it has applied
        // everything the controller knew when the broker registered.
        boolean caughtUp = req.currentMetadataOffset() >= b.epoch();
        RecordBuffer buffer = new RecordBuffer(image);
        if (b.inControlledShutdown() || req.wantShutdown() && !b.fenced()) {
            return controlledShutdown(buffer, b, caughtUp);
        }
        if (req.wantShutdown()) {
            return buffer.result(new BrokerHeartbeatReply(ApiError.NONE, caughtUp, true, false, true));
        }
        if (b.fenced() && caughtUp) {
            buffer.add(MetadataRecords.unfence(b));
            buffer.addAll(replication.changesForActiveBroker(buffer.image(), b.id()));
        }
        BrokerRegistration after = buffer.image().cluster().broker(b.id());
        return buffer.result(new BrokerHeartbeatReply(ApiError.NONE, caughtUp, after.fenced(), false, false));
    }

    /**
     * Two heartbeats at least: the first marks the broker shutting down and moves its leaderships
     * away; a later one, seeing in the image that it leads nothing, fences it and lets it stop.
     */
    private ControllerResult<BrokerHeartbeatReply> controlledShutdown(RecordBuffer buffer, BrokerRegistration b,
                                                                     boolean caughtUp) {
        if (b.fenced()) {
            return buffer.result(new BrokerHeartbeatReply(ApiError.NONE, caughtUp, true, true, true));
        }
        if (!b.inControlledShutdown()) {
            buffer.add(MetadataRecords.enterControlledShutdown(b));
            buffer.addAll(replication.changesForIneligibleBroker(buffer.image(), b.id()));
            return buffer.result(new BrokerHeartbeatReply(ApiError.NONE, caughtUp, false, true, false));
        }
        if (replication.leadsAnyPartition(buffer.image(), b.id())) {
            buffer.addAll(replication.changesForIneligibleBroker(buffer.image(), b.id()));
            return buffer.result(new BrokerHeartbeatReply(ApiError.NONE, caughtUp, false, true, false));
        }
        buffer.add(MetadataRecords.fence(b));
        return buffer.result(new BrokerHeartbeatReply(ApiError.NONE, caughtUp, true, true, true));
    }

    /** Removes a decommissioned broker, fencing it first if needed so its leaderships move. */
    ControllerResult<ApiError> unregisterBroker(MetadataImage image, int brokerId) {
        BrokerRegistration b = image.cluster().broker(brokerId);
        if (b == null) {
            return ControllerResult.noRecords(
                    ApiError.of(Errors.BROKER_ID_NOT_REGISTERED, "Broker " + brokerId + " is not registered."));
        }
        RecordBuffer buffer = new RecordBuffer(image);
        if (!b.fenced()) {
            buffer.add(MetadataRecords.fence(b));
            buffer.addAll(replication.changesForIneligibleBroker(buffer.image(), brokerId));
        }
        buffer.add(MetadataRecords.unregister(b));
        return buffer.result(ApiError.NONE);
    }

    /** Fences every unfenced broker whose session expired; the response lists them. */
    ControllerResult<List<Integer>> fenceStaleBrokers(MetadataImage image, long nowMs) {
        List<Integer> expired = heartbeats.expired(image.cluster(), nowMs);
        RecordBuffer buffer = new RecordBuffer(image);
        for (int id : expired) {
            buffer.add(MetadataRecords.fence(buffer.image().cluster().broker(id)));
            buffer.addAll(replication.changesForIneligibleBroker(buffer.image(), id));
        }
        return buffer.result(expired);
    }
}
