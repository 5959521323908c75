package io.weir.client.admin;

import java.util.List;

public record TopicDescription(String name, String topicId, List<TopicPartitionInfo> partitions) {}
