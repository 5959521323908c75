package io.weir.metadata.controller;

/** The broker epoch of the new registration, which the broker sends with every later request. */
public record RegisterBrokerReply(ApiError error, long brokerEpoch) {
}
