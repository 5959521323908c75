package io.weir.metadata.raft.runtime;

import io.grpc.BindableService;
import io.grpc.HandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The controller listener: a gRPC server bound before the services on it start. Binding first lets a node
 * listen on port 0 and learn its port before the voters' addresses are known (tests), and lets services be
 * registered as they come up.
 */
public final class ControllerListener implements AutoCloseable {

    /** Above a full AppendEntries batch (one entry past {@code maxBytesPerAppend}) or fetch response. */
    static final int MAX_MESSAGE_BYTES = 16 << 20;
    /** HTTP/2 window, so a full append batch does not wait for window updates. */
    static final int FLOW_CONTROL_WINDOW_BYTES = 8 << 20;
    /** Keepalive ping interval of the quorum's channels (gRPC's minimum); the server must permit it. */
    static final long KEEPALIVE_SECONDS = 10;

    private final Server server;
    private final ServiceRegistry registry;
    private final Endpoint endpoint;

    private ControllerListener(Server server, ServiceRegistry registry, Endpoint endpoint) {
        this.server = server;
        this.registry = registry;
        this.endpoint = endpoint;
    }

    /** Binds {@code host:port}; port 0 picks a free port, see {@link #endpoint()}. */
    public static ControllerListener bind(String host, int port) {
        return bind(host, port, List.of());
    }

    /** As {@link #bind(String, int)}, with {@code interceptors} around every call (the node's request metrics). */
    public static ControllerListener bind(String host, int port, List<ServerInterceptor> interceptors) {
        ServiceRegistry registry = new ServiceRegistry();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .fallbackHandlerRegistry(registry)
                // A restarted node rebinds its port while connections of its previous run are in TIME_WAIT.
                .withOption(ChannelOption.SO_REUSEADDR, true)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .flowControlWindow(FLOW_CONTROL_WINDOW_BYTES)
                .permitKeepAliveTime(KEEPALIVE_SECONDS / 2, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        interceptors.forEach(builder::intercept);
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the controller listener to " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
        return new ControllerListener(server, registry, new Endpoint(host, server.getPort()));
    }

    /** The bound address, with the actual port. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** Serves {@code service} from now on; returns its definition, the handle to remove it with. */
    public ServerServiceDefinition addService(BindableService service) {
        ServerServiceDefinition definition = service.bindService();
        registry.services.put(definition.getServiceDescriptor().getName(), definition);
        return definition;
    }

    public void removeService(ServerServiceDefinition definition) {
        registry.services.remove(definition.getServiceDescriptor().getName(), definition);
    }

    /** Stops accepting calls, gives running ones a moment, then cancels what is left (peers' streams). */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(200, TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Services added and removed while the server runs; gRPC threads look up, any thread changes. */
    private static final class ServiceRegistry extends HandlerRegistry {
        final ConcurrentHashMap<String, ServerServiceDefinition> services = new ConcurrentHashMap<>();

        @Override
        public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
            String serviceName = MethodDescriptor.extractFullServiceName(methodName);
            ServerServiceDefinition service = serviceName == null ? null : services.get(serviceName);
            return service == null ? null : service.getMethod(methodName);
        }
    }
}
