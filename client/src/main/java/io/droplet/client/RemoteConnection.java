package io.droplet.client;

import io.aeron.CommonContext;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.store.ring.HashRing;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import org.agrona.CloseHelper;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * The link of a remote {@link DropletClient} to its host's media driver, on a thread of its own: it runs
 * the client's agent and the Aeron client conductor (back-off idling), and survives the driver. When the
 * driver stops heartbeating for the driver timeout ({@code droplet.driver.timeout}, or
 * {@link RemoteContext#driverTimeoutNs}), every request in flight ends with NOT_CONNECTED, the loss is
 * reported on standard error, new requests fail at once with NOT_CONNECTED, and the link waits for a new
 * driver in the same directory; then it builds a new transport and agent, introduces the client again to
 * its scheduler and storage nodes, and requests flow again.
 * <p>
 * <b>Note:</b> thread-safe to close from any thread; everything else runs on its own thread.
 */
final class RemoteConnection implements Runnable
{
    private final RemoteContext context;
    private final IdleStrategy idle;
    private volatile boolean closed;
    private Transport transport;
    private NodeChannels channels;
    private ClientConductor conductor;
    private DropletClient client;
    private Thread thread;

    private RemoteConnection(final RemoteContext context)
    {
        this.context = context.conclude();
        this.idle = context.idleStrategy();
    }

    /**
     * @param context where the driver and the scheduler are.
     * @return a connected client whose link reconnects after a driver restart.
     */
    static DropletClient open(final RemoteContext context)
    {
        final RemoteConnection connection = new RemoteConnection(context);
        try
        {
            connection.link();
        }
        catch (final io.aeron.exceptions.AeronException ex)
        {
            // The driver is missing, or stopped answering in time (a stalled process, a loaded machine): typed, so a
            // caller can tell it from a bug and try again.
            throw new io.droplet.api.DropletException(ErrorCode.NOT_CONNECTED,
                "cannot link to the media driver at " + context.aeronDirectoryName() + ": " + ex.getMessage());
        }
        final DropletClient client = new DropletClient(connection.conductor, context.callTimeoutNs(), null, Waiters::spinThenPark,
            connection::close, context.codecs());
        connection.client = client;
        connection.thread = new Thread(connection, "droplet-client-" + context.clientNode());
        connection.thread.setDaemon(true);
        connection.thread.start();
        try
        {
            client.connect();
            if (!context.storageNodes().isEmpty())
            {
                client.useStorage(context.storageNodes(), context.replicationFactor(), HashRing.DEFAULT_VIRTUAL_NODES);
            }
        }
        catch (final RuntimeException ex)
        {
            client.close();
            throw ex;
        }
        return client;
    }

    private void link()
    {
        transport = Transport.launch(new TransportContext()
            .embeddedDriver(false)
            .aeronDirectoryName(context.aeronDirectoryName())
            .threadingProfile(ThreadingProfile.INVOKER)
            .driverTimeoutNs(context.driverTimeoutNs())
            .localHost(context.localHost())
            // A client is never a node: it proves who it is by challenge-response, not with the deployment key.
            .credentials(null)
            .name("client-" + context.clientNode()));
        try
        {
            channels = new NodeChannels(transport, context.clientNode(), context.clientEndpoint(), "client");
            conductor = new ClientConductor(new ClientContext()
                .channels(channels)
                .scheduler(context.schedulerNode(), context.schedulerEndpoint())
                .codecs(context.codecs()));
            conductor.credentials(context.credentials());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(channels, transport);
            throw ex;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void run()
    {
        while (!closed)
        {
            int work = 0;
            try
            {
                work = transport.invoke();
                // Checked between the two: once the Aeron client closed itself its mapped files are gone, and the
                // client's agent must not touch a counter or a log again.
                if (!transport.aeron().isClosed())
                {
                    work += conductor.doWork();
                }
            }
            catch (final RuntimeException ex)
            {
                if (!transport.aeron().isClosed())
                {
                    transport.errorHandler().onError(ex);
                }
            }
            if (transport.aeron().isClosed() && !closed)
            {
                relinkAfterDriverLoss();
                continue;
            }
            idle.idle(work);
        }
    }

    private void relinkAfterDriverLoss()
    {
        client.unlink();
        final int failed = conductor.failAll(ErrorCode.NOT_CONNECTED, "the media driver was lost");
        System.err.println("droplet client " + context.clientNode() + ": media driver at " + context.aeronDirectoryName() +
            " lost (no heartbeat within " + TimeUnit.NANOSECONDS.toMillis(context.driverTimeoutNs()) + " ms); " + failed +
            " requests ended with NOT_CONNECTED; reconnecting when a driver is back");
        CloseHelper.quietCloseAll(channels, transport);
        while (!closed)
        {
            if (CommonContext.isDriverActive(new java.io.File(context.aeronDirectoryName()),
                TimeUnit.NANOSECONDS.toMillis(context.driverTimeoutNs()), message -> { }))
            {
                try
                {
                    link();
                    client.relink(conductor);
                    System.err.println("droplet client " + context.clientNode() + ": reconnected to the media driver");
                    return;
                }
                catch (final RuntimeException ex)
                {
                    System.err.println("droplet client " + context.clientNode() + ": reconnecting failed, retrying: " + ex);
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(context.driverPollNs());
        }
    }

    private void close()
    {
        closed = true;
        if (null != thread && Thread.currentThread() != thread)
        {
            try
            {
                thread.join(TimeUnit.NANOSECONDS.toMillis(context.closeTimeoutNs()));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        CloseHelper.quietCloseAll(channels, transport);
    }
}
