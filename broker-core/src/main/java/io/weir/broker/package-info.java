/**
 * The broker: replica manager, replication, group coordinator, and the node that runs broker and controller roles.
 */
package io.weir.broker;
