/**
 * Producer, Consumer and Admin clients over gRPC. Depends on proto and common only: no server code on a client's classpath.
 */
package io.weir.client;
