/**
 * The running controller: {@link io.weir.metadata.controller.server.QuorumController} wires the pure
 * {@code ControllerLogic} to the Raft runtime (a state machine applying {@code MetadataRecordBatch} entries
 * to the image, and one controller event thread that decides, proposes and answers once committed);
 * {@link io.weir.metadata.controller.server.QuorumControllerCore} is that event thread's state without
 * threads, shared with the simulation; {@code ControllerGrpcService} serves {@code ControllerService}
 * (weir/v1/controller.proto) on the controller listener.
 */
package io.weir.metadata.controller.server;
