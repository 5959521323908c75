/** Requests waiting for an event or a timeout, completed by whoever causes the event; no thread per request. */
package io.weir.broker.purgatory;
