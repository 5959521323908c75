/**
 * Prometheus metrics of a node: event counters on the produce, fetch and ISR paths, a gRPC
 * interceptor timing every call, and scrape-time collectors that read the state the broker,
 * controller and group coordinator already keep. Every instance belongs to one node (several nodes
 * share a JVM in tests), so nothing here is registered in Prometheus' default registry.
 */
package io.weir.broker.metrics;
