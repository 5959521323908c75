package io.weir.metadata.controller;

import io.weir.metadata.image.BrokerRegistration;
import io.weir.metadata.image.ConfigResource;
import io.weir.proto.v1.BrokerRegistrationChangeRecord;
import io.weir.proto.v1.ConfigRecord;
import io.weir.proto.v1.FenceBrokerRecord;
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.RemoveTopicRecord;
import io.weir.proto.v1.TopicRecord;
import io.weir.proto.v1.UnfenceBrokerRecord;
import io.weir.proto.v1.UnregisterBrokerRecord;

/** Shorthands that wrap each record kind in a {@link MetadataRecord}. */
final class MetadataRecords {
    private MetadataRecords() {
    }

    static MetadataRecord fence(BrokerRegistration b) {
        return MetadataRecord.newBuilder().setFenceBroker(
                FenceBrokerRecord.newBuilder().setBrokerId(b.id()).setBrokerEpoch(b.epoch())).build();
    }

    static MetadataRecord unfence(BrokerRegistration b) {
        return MetadataRecord.newBuilder().setUnfenceBroker(
                UnfenceBrokerRecord.newBuilder().setBrokerId(b.id()).setBrokerEpoch(b.epoch())).build();
    }

    static MetadataRecord unregister(BrokerRegistration b) {
        return MetadataRecord.newBuilder().setUnregisterBroker(
                UnregisterBrokerRecord.newBuilder().setBrokerId(b.id()).setBrokerEpoch(b.epoch())).build();
    }

    static MetadataRecord enterControlledShutdown(BrokerRegistration b) {
        return MetadataRecord.newBuilder().setBrokerRegistrationChange(BrokerRegistrationChangeRecord.newBuilder()
                .setBrokerId(b.id()).setBrokerEpoch(b.epoch()).setInControlledShutdown(true)).build();
    }

    static MetadataRecord topic(String name, String topicId) {
        return MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName(name).setTopicId(topicId))
                .build();
    }

    static MetadataRecord removeTopic(String topicId) {
        return MetadataRecord.newBuilder().setRemoveTopic(RemoveTopicRecord.newBuilder().setTopicId(topicId))
                .build();
    }

    /** Sets {@code key}, or removes it when {@code value} is null. */
    static MetadataRecord config(ConfigResource resource, String key, String value) {
        ConfigRecord.Builder r = ConfigRecord.newBuilder()
                .setResourceType(resource.type().toProto())
                .setResourceName(resource.name())
                .setName(key);
        if (value != null) {
            r.setValue(value);
        }
        return MetadataRecord.newBuilder().setConfig(r).build();
    }
}
