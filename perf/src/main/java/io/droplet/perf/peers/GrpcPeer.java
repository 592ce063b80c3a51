package io.droplet.perf.peers;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * gRPC-java as its users run it without code generation: increment and square are each a unary method
 * of a service on its own Netty server on 127.0.0.1 (an ephemeral port), and the caller chains them with
 * two blocking calls over plaintext channels, passing increment's result to square.
 * <p>
 * Both methods carry one long in the message body, with no protobuf:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     value (int64, big-endian)                 |
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Servers, channels and executors keep gRPC's defaults; every call carries a deadline, as careful
 * callers' do.
 * <p>
 * <b>Note:</b> not thread-safe (see {@link PeerSystem}); gRPC's own threads serve the calls.
 */
public final class GrpcPeer implements PeerSystem
{
    /** Service of the increment function. */
    public static final String INCREMENT_SERVICE = "droplet.peer.Increment";
    /** Service of the square function. */
    public static final String SQUARE_SERVICE = "droplet.peer.Square";

    private static final String LOOPBACK = "127.0.0.1";
    private static final long CALL_DEADLINE_MS = 10_000;
    private static final long SHUTDOWN_GRACE_MS = 5_000;

    private static final MethodDescriptor<Long, Long> INCREMENT = unaryMethod(INCREMENT_SERVICE);
    private static final MethodDescriptor<Long, Long> SQUARE = unaryMethod(SQUARE_SERVICE);

    private Server incrementServer;
    private Server squareServer;
    private ManagedChannel incrementChannel;
    private ManagedChannel squareChannel;

    /**
     * Starts both servers and opens a channel to each; channels connect on the first call.
     *
     * @throws IOException if a server cannot bind.
     */
    @Override
    public void start() throws IOException
    {
        incrementServer = startServer(INCREMENT, GrpcPeer::increment);
        squareServer = startServer(SQUARE, GrpcPeer::square);
        incrementChannel = openChannel(incrementServer.getPort());
        squareChannel = openChannel(squareServer.getPort());
    }

    /**
     * {@inheritDoc}
     *
     * @throws io.grpc.StatusRuntimeException if either call fails or misses its deadline.
     */
    @Override
    public long call(final long x)
    {
        final Long incremented = ClientCalls.blockingUnaryCall(incrementChannel, INCREMENT, withDeadline(), x);
        return ClientCalls.blockingUnaryCall(squareChannel, SQUARE, withDeadline(), incremented);
    }

    /**
     * Shuts channels then servers down now and waits a bounded time for each.
     */
    @Override
    public void close()
    {
        boolean interrupted = false;
        interrupted |= shutdown(incrementChannel);
        interrupted |= shutdown(squareChannel);
        interrupted |= shutdown(incrementServer);
        interrupted |= shutdown(squareServer);
        incrementChannel = null;
        squareChannel = null;
        incrementServer = null;
        squareServer = null;
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static CallOptions withDeadline()
    {
        return CallOptions.DEFAULT.withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS);
    }

    private static void increment(final Long x, final StreamObserver<Long> response)
    {
        response.onNext(x + 1);
        response.onCompleted();
    }

    private static void square(final Long x, final StreamObserver<Long> response)
    {
        response.onNext(x * x);
        response.onCompleted();
    }

    private static Server startServer(
        final MethodDescriptor<Long, Long> method, final ServerCalls.UnaryMethod<Long, Long> function)
        throws IOException
    {
        final ServerServiceDefinition service = ServerServiceDefinition.builder(method.getServiceName())
            .addMethod(method, ServerCalls.asyncUnaryCall(function))
            .build();
        return NettyServerBuilder.forAddress(new InetSocketAddress(LOOPBACK, 0), InsecureServerCredentials.create())
            .addService(service)
            .build()
            .start();
    }

    private static ManagedChannel openChannel(final int port)
    {
        return Grpc.newChannelBuilderForAddress(LOOPBACK, port, InsecureChannelCredentials.create()).build();
    }

    private static boolean shutdown(final ManagedChannel channel)
    {
        if (null == channel)
        {
            return false;
        }
        channel.shutdownNow();
        try
        {
            channel.awaitTermination(SHUTDOWN_GRACE_MS, TimeUnit.MILLISECONDS);
            return false;
        }
        catch (final InterruptedException ex)
        {
            return true;
        }
    }

    private static boolean shutdown(final Server server)
    {
        if (null == server)
        {
            return false;
        }
        server.shutdownNow();
        try
        {
            server.awaitTermination(SHUTDOWN_GRACE_MS, TimeUnit.MILLISECONDS);
            return false;
        }
        catch (final InterruptedException ex)
        {
            return true;
        }
    }

    private static MethodDescriptor<Long, Long> unaryMethod(final String service)
    {
        final LongMarshaller marshaller = new LongMarshaller();
        return MethodDescriptor.<Long, Long>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(service, "Apply"))
            .setRequestMarshaller(marshaller)
            .setResponseMarshaller(marshaller)
            .build();
    }

    /**
     * One long as eight big-endian bytes (layout in the class comment).
     * <p>
     * <b>Note:</b> stateless, thread-safe.
     */
    private static final class LongMarshaller implements MethodDescriptor.Marshaller<Long>
    {
        private static final int LENGTH = Long.BYTES;

        @Override
        public InputStream stream(final Long value)
        {
            return new ByteArrayInputStream(ByteBuffer.allocate(LENGTH).putLong(0, value).array());
        }

        @Override
        public Long parse(final InputStream stream)
        {
            try
            {
                final byte[] bytes = stream.readNBytes(LENGTH + 1);
                if (LENGTH != bytes.length)
                {
                    throw Status.INTERNAL
                        .withDescription("a long message has " + LENGTH + " bytes, not " + bytes.length)
                        .asRuntimeException();
                }
                return ByteBuffer.wrap(bytes).getLong();
            }
            catch (final IOException ex)
            {
                throw Status.INTERNAL.withDescription("cannot read a long message").withCause(ex).asRuntimeException();
            }
        }
    }
}
