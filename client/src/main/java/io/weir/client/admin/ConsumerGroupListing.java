package io.weir.client.admin;

/** One group as {@code listConsumerGroups} reports it; {@code state} is Kafka's state name. */
public record ConsumerGroupListing(String groupId, String state, String protocolType) {}
