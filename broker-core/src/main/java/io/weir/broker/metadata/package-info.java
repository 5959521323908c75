/** The broker's view of cluster metadata: the latest image, and the controller calls it makes on a client's behalf. */
package io.weir.broker.metadata;
