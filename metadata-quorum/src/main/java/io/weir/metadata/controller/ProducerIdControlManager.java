package io.weir.metadata.controller;

import io.weir.metadata.image.MetadataImage;
import io.weir.proto.v1.MetadataRecord;
import io.weir.proto.v1.ProducerIdsRecord;
import java.util.List;

/** Hands out producer ids in blocks of {@link ProducerIdsBlock#BLOCK_SIZE}, each id to one broker only. */
final class ProducerIdControlManager {
    ControllerResult<ProducerIdsBlock> allocateProducerIds(MetadataImage image, int brokerId, long brokerEpoch) {
        ApiError error = ClusterControlManager.checkBrokerEpoch(image.cluster(), brokerId, brokerEpoch);
        if (!error.isSuccess()) {
            return ControllerResult.noRecords(new ProducerIdsBlock(error, -1, 0));
        }
        long first = image.producerIds().nextProducerId();
        if (first > Long.MAX_VALUE - ProducerIdsBlock.BLOCK_SIZE) {
            return ControllerResult.noRecords(new ProducerIdsBlock(
                    ApiError.of(Errors.INVALID_REQUEST, "Producer ids are exhausted."), -1, 0));
        }
        MetadataRecord r = MetadataRecord.newBuilder().setProducerIds(ProducerIdsRecord.newBuilder()
                .setBrokerId(brokerId).setBrokerEpoch(brokerEpoch)
                .setNextProducerId(first + ProducerIdsBlock.BLOCK_SIZE)).build();
        return ControllerResult.of(List.of(r), new ProducerIdsBlock(ApiError.NONE, first, ProducerIdsBlock.BLOCK_SIZE));
    }
}
