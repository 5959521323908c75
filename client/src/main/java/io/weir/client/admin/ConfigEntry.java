package io.weir.client.admin;

/** One config of a topic or broker, with where its value comes from (Kafka's source names). */
public record ConfigEntry(String name, String value, String source) {}
