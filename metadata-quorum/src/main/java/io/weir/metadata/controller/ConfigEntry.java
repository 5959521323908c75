package io.weir.metadata.controller;

/** An effective config value and where it comes from, as DescribeConfigs reports it. */
public record ConfigEntry(String name, String value, Source source) {
    public enum Source { TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, DEFAULT_CONFIG }
}
