/**
 * The broker's side of the controller, for {@code broker-core}: {@link io.weir.metadata.broker.ControllerClient}
 * (calls the active controller, following redirects), {@link io.weir.metadata.broker.BrokerLifecycleManager}
 * (registration, heartbeats, fencing state, controlled shutdown) and
 * {@link io.weir.metadata.broker.MetadataLoader} (follows the committed metadata log and publishes images).
 */
package io.weir.metadata.broker;
