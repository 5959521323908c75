package io.weir.client.admin;

import io.weir.common.TopicPartition;
import java.util.Optional;
import java.util.Set;

/** A group member and the partitions its leader assigned it. */
public record MemberDescription(String memberId, Optional<String> groupInstanceId, String clientId, Set<TopicPartition> assignment) {}
