package io.droplet.client;

import io.droplet.codecs.value.CodecRegistry;
import io.droplet.transport.Endpoint;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Where a client finds a running deployment: the host's media driver and the scheduler.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, then hand to {@link DropletClient#connect(RemoteContext)}.
 */
public final class RemoteContext
{
    private long driverTimeoutNs = io.droplet.transport.TransportConfiguration.driverTimeoutNs();
    private String aeronDirectoryName;
    private String localHost = "127.0.0.1";
    private long clientNode = 1_000_000 + ThreadLocalRandom.current().nextInt(1_000_000_000);
    private Endpoint clientEndpoint;
    private long schedulerNode = 1;
    private Endpoint schedulerEndpoint = new Endpoint("127.0.0.1", 0, 5001);
    private long callTimeoutNs = TimeUnit.SECONDS.toNanos(10);
    private io.droplet.transport.security.Credentials credentials;
    private CodecRegistry codecs = new CodecRegistry();
    private final java.util.Map<Long, Endpoint> storageNodes = new java.util.TreeMap<>();
    private int replicationFactor = 3;
    private long driverPollNs = TimeUnit.MILLISECONDS.toNanos(100);
    private long closeTimeoutNs = TimeUnit.SECONDS.toNanos(5);
    private IdleStrategy idleStrategy;
    private boolean concluded;

    /**
     * Checks what was set and resolves the rest; once. {@link DropletClient#connect(RemoteContext)} calls it.
     *
     * @return this context.
     * @throws IllegalStateException if a timeout or period is not positive.
     */
    public RemoteContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (callTimeoutNs <= 0 || driverTimeoutNs <= 0 || driverPollNs <= 0 || closeTimeoutNs <= 0 || replicationFactor <= 0)
        {
            throw new IllegalStateException("timeouts, the driver poll period and the replication factor must be positive");
        }
        // Back-off idling: a client that waits for answers must not take a core from the node it waits for.
        idleStrategy = null == idleStrategy ? new BackoffIdleStrategy(100, 10, 1_000, 100_000) : idleStrategy;
        concluded = true;
        return this;
    }

    /**
     * @return how the client's thread idles when it has no work.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @param idleStrategy how the client's thread idles when it has no work.
     * @return this context.
     */
    public RemoteContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /**
     * @return how often a client whose media driver was lost looks for a new one.
     */
    public long driverPollNs()
    {
        return driverPollNs;
    }

    /**
     * @param driverPollNs how often a client whose media driver was lost looks for a new one.
     * @return this context.
     */
    public RemoteContext driverPollNs(final long driverPollNs)
    {
        this.driverPollNs = driverPollNs;
        return this;
    }

    /**
     * @return how long closing the client waits for its thread to stop.
     */
    public long closeTimeoutNs()
    {
        return closeTimeoutNs;
    }

    /**
     * @param closeTimeoutNs how long closing the client waits for its thread to stop.
     * @return this context.
     */
    public RemoteContext closeTimeoutNs(final long closeTimeoutNs)
    {
        this.closeTimeoutNs = closeTimeoutNs;
        return this;
    }

    /**
     * @return the host driver's Aeron directory.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * @param aeronDirectoryName of the host's media driver.
     * @return this context.
     */
    public RemoteContext aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /**
     * @return this host as peers see it.
     */
    public String localHost()
    {
        return localHost;
    }

    /**
     * @param localHost this host as peers see it.
     * @return this context.
     */
    public RemoteContext localHost(final String localHost)
    {
        this.localHost = localHost;
        return this;
    }

    /**
     * @return this client's node id.
     */
    public long clientNode()
    {
        return clientNode;
    }

    /**
     * @param clientNode unique node id of this client.
     * @return this context.
     */
    public RemoteContext clientNode(final long clientNode)
    {
        this.clientNode = clientNode;
        return this;
    }

    /**
     * @return where this client receives; by default IPC on the local host with a stream id from its node id.
     */
    public Endpoint clientEndpoint()
    {
        return null != clientEndpoint ? clientEndpoint : new Endpoint(localHost, 0, 100_000 + (int)(clientNode % 1_000_000_000));
    }

    /**
     * @param clientEndpoint where this client receives.
     * @return this context.
     */
    public RemoteContext clientEndpoint(final Endpoint clientEndpoint)
    {
        this.clientEndpoint = clientEndpoint;
        return this;
    }

    /**
     * @return the scheduler's node id.
     */
    public long schedulerNode()
    {
        return schedulerNode;
    }

    /**
     * @return where the scheduler receives.
     */
    public Endpoint schedulerEndpoint()
    {
        return schedulerEndpoint;
    }

    /**
     * @param schedulerNode     node id of the scheduler.
     * @param schedulerEndpoint where it receives.
     * @return this context.
     */
    public RemoteContext scheduler(final long schedulerNode, final Endpoint schedulerEndpoint)
    {
        this.schedulerNode = schedulerNode;
        this.schedulerEndpoint = schedulerEndpoint;
        return this;
    }

    /**
     * @return how long the client waits without a heartbeat from its media driver before it counts it lost.
     */
    public long driverTimeoutNs()
    {
        return driverTimeoutNs;
    }

    /**
     * @param driverTimeoutNs silence of the media driver after which the client counts it lost, ends its
     *                        requests with NOT_CONNECTED and waits for a new driver.
     * @return this context.
     */
    public RemoteContext driverTimeoutNs(final long driverTimeoutNs)
    {
        this.driverTimeoutNs = driverTimeoutNs;
        return this;
    }

    /**
     * @return default deadline of calls, relative, in nanoseconds.
     */
    public long callTimeoutNs()
    {
        return callTimeoutNs;
    }

    /**
     * @param callTimeoutNs default deadline of calls.
     * @return this context.
     */
    public RemoteContext callTimeoutNs(final long callTimeoutNs)
    {
        this.callTimeoutNs = callTimeoutNs;
        return this;
    }

    /**
     * Adds a storage node of the deployment's lattice KVS.
     *
     * @param node     id of the storage node.
     * @param endpoint where it receives.
     * @return this context.
     */
    public RemoteContext storage(final long node, final Endpoint endpoint)
    {
        storageNodes.put(node, endpoint);
        return this;
    }

    /**
     * @return the storage nodes, by id.
     */
    public java.util.Map<Long, Endpoint> storageNodes()
    {
        return storageNodes;
    }

    /**
     * @return replication factor of the storage ring.
     */
    public int replicationFactor()
    {
        return replicationFactor;
    }

    /**
     * @param replicationFactor of the storage ring.
     * @return this context.
     */
    public RemoteContext replicationFactor(final int replicationFactor)
    {
        this.replicationFactor = replicationFactor;
        return this;
    }

    /**
     * @return codecs for extension value types.
     */
    public CodecRegistry codecs()
    {
        return codecs;
    }

    /**
     * @param codecs for extension value types.
     * @return this context.
     */
    public RemoteContext codecs(final CodecRegistry codecs)
    {
        this.codecs = codecs;
        return this;
    }

    /**
     * @return the client's credentials, or null for a deployment that admits everyone.
     */
    public io.droplet.transport.security.Credentials credentials()
    {
        return credentials;
    }

    /**
     * Connects as an identity of a secured deployment: the client answers each node's Challenge with a proof
     * of this secret (never the secret itself), works in the credentials' namespace, and may do what they
     * grant.
     *
     * @param credentials of the client; null for an open deployment.
     * @return this context.
     */
    public RemoteContext credentials(final io.droplet.transport.security.Credentials credentials)
    {
        this.credentials = credentials;
        return this;
    }

    /**
     * @param file     a credentials file holding a {@code client} line for the identity.
     * @param identity to connect as.
     * @return this context.
     * @throws IllegalArgumentException if the file has no such client.
     */
    public RemoteContext credentials(final java.nio.file.Path file, final String identity)
    {
        final io.droplet.transport.security.Credentials found =
            io.droplet.transport.security.CredentialsFile.read(file).client(identity);
        if (null == found)
        {
            throw new IllegalArgumentException(file + " has no client " + identity);
        }
        return credentials(found);
    }
}
