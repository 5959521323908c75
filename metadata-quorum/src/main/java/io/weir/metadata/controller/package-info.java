/**
 * The active controller's decisions as pure logic: {@link io.weir.metadata.controller.ControllerLogic}
 * turns (image, request, time) into metadata records and a response. Split as
 * in Kafka: {@code ClusterControlManager} (broker lifecycle),
 * {@code ReplicationControlManager} (topics, partitions, elections),
 * {@code ConfigurationControlManager}, {@code ProducerIdControlManager}, with
 * {@link io.weir.metadata.controller.ReplicaPlacer} for placement.
 */
package io.weir.metadata.controller;
