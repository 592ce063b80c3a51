package io.droplet.transport;

import io.droplet.codecs.FrameLimits;
import io.droplet.transport.security.CredentialsFile;
import io.droplet.transport.security.Proofs;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * Settings of a {@link Transport}, defaulted from {@link TransportConfiguration} and validated once
 * by {@link #conclude()}.
 * <p>
 * <b>Note:</b> not thread-safe; fill it in on one thread, then hand it to {@link Transport#launch}.
 */
public final class TransportContext
{
    /** Bytes of a message kept for everything but its payload: see {@link #maxPayloadLength()}. */
    public static final int PAYLOAD_RESERVE = 16 * 1024;

    private boolean concluded;
    private String aeronDirectoryName = TransportConfiguration.aeronDirectoryName();
    private boolean embeddedDriver = TransportConfiguration.embeddedDriver();
    private ThreadingProfile threadingProfile = TransportConfiguration.threadingProfile();
    private int maxMessageLength = TransportConfiguration.maxMessageLength();
    private int maxGroupCount = TransportConfiguration.maxGroupCount();
    private long sendTimeoutNs = TransportConfiguration.sendTimeoutNs();
    private long requestTimeoutNs = TransportConfiguration.requestTimeoutNs();
    private int maxPendingRequests = TransportConfiguration.maxPendingRequests();
    private long driverTimeoutNs = TransportConfiguration.driverTimeoutNs();
    private long conductorIntervalNs = TransportConfiguration.conductorIntervalNs();
    private long conductorStandbyNs = TransportConfiguration.conductorStandbyNs();
    private String localHost = TransportConfiguration.localHost();
    private int errorLogLength = TransportConfiguration.errorLogLength();
    private String name = "droplet";
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private ErrorHandler errorHandler;
    private AgentFailureListener agentFailureListener;
    private IdleStrategy idleStrategy;
    private int termLength;
    private FrameLimits frameLimits;
    private CredentialsFile credentials = TransportConfiguration.credentials();
    private long handshakeTimeoutNs = TransportConfiguration.handshakeTimeoutNs();
    private long nodeToken;
    private boolean preTouchMappedMemory = TransportConfiguration.preTouchMappedMemory();
    private final PeerLimits peerLimits = new PeerLimits();

    /**
     * Validates the settings and resolves derived ones. Called by {@link Transport#launch}.
     *
     * @return this context.
     * @throws IllegalStateException if concluded twice.
     * @throws IllegalArgumentException for an invalid setting.
     */
    public TransportContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        concluded = true;

        TransportConfiguration.validateMaxMessageLength(maxMessageLength);
        if (maxPendingRequests < 1)
        {
            throw new IllegalArgumentException("maxPendingRequests must be positive: " + maxPendingRequests);
        }
        if (sendTimeoutNs < 0 || requestTimeoutNs <= 0 || driverTimeoutNs <= 0 || conductorStandbyNs < 0)
        {
            throw new IllegalArgumentException("timeouts must be positive (send and conductor standby may be 0)");
        }
        aeronDirectoryName = TransportConfiguration.resolveAeronDirectory(embeddedDriver, aeronDirectoryName);

        peerLimits.conclude();
        termLength = TransportConfiguration.termLength(maxMessageLength);
        frameLimits = new FrameLimits(maxMessageLength, maxGroupCount, maxMessageLength);

        if (null != credentials && null != credentials.deploymentKey())
        {
            nodeToken = Proofs.nodeToken(credentials.deploymentKey());
        }

        if (null == idleStrategy)
        {
            idleStrategy = TransportConfiguration.idleStrategy(threadingProfile);
        }
        return this;
    }

    /** @return the Aeron directory (resolved by {@link #conclude()} for an embedded driver). */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * @param aeronDirectoryName of the driver; for an embedded driver, null picks a unique one.
     * @return this context.
     */
    public TransportContext aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /** @return true if the driver runs inside this process. */
    public boolean embeddedDriver()
    {
        return embeddedDriver;
    }

    /**
     * @param embeddedDriver true to run a driver inside this process, false to use the host's.
     * @return this context.
     */
    public TransportContext embeddedDriver(final boolean embeddedDriver)
    {
        this.embeddedDriver = embeddedDriver;
        return this;
    }

    /** @return the threading profile. */
    public ThreadingProfile threadingProfile()
    {
        return threadingProfile;
    }

    /**
     * @param threadingProfile how agents and driver map to threads.
     * @return this context.
     */
    public TransportContext threadingProfile(final ThreadingProfile threadingProfile)
    {
        this.threadingProfile = threadingProfile;
        return this;
    }

    /** @return the largest message, header included. */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * The largest payload (a call's encoded arguments, a function's encoded result) that crosses the
     * runtime end to end: the message limit less {@link #PAYLOAD_RESERVE} for the rest of the largest
     * message that carries it (a trigger's schedule and edges, names, headers). A payload up to this
     * succeeds; one byte more is PAYLOAD_TOO_LARGE where it is made.
     *
     * @return the payload limit in bytes.
     */
    public int maxPayloadLength()
    {
        return maxMessageLength - PAYLOAD_RESERVE;
    }

    /**
     * @param maxMessageLength largest message, header included.
     * @return this context.
     */
    public TransportContext maxMessageLength(final int maxMessageLength)
    {
        this.maxMessageLength = maxMessageLength;
        return this;
    }

    /** @return the most entries accepted in one inbound group. */
    public int maxGroupCount()
    {
        return maxGroupCount;
    }

    /**
     * @param maxGroupCount most entries accepted in one inbound group.
     * @return this context.
     */
    public TransportContext maxGroupCount(final int maxGroupCount)
    {
        this.maxGroupCount = maxGroupCount;
        return this;
    }

    /** @return how long sends without a caller deadline retry back-pressure, in nanoseconds. */
    public long sendTimeoutNs()
    {
        return sendTimeoutNs;
    }

    /**
     * @param sendTimeoutNs how long sends without a caller deadline retry back-pressure.
     * @return this context.
     */
    public TransportContext sendTimeoutNs(final long sendTimeoutNs)
    {
        this.sendTimeoutNs = sendTimeoutNs;
        return this;
    }

    /** @return the default request deadline, relative, in nanoseconds. */
    public long requestTimeoutNs()
    {
        return requestTimeoutNs;
    }

    /**
     * @param requestTimeoutNs default request deadline, relative.
     * @return this context.
     */
    public TransportContext requestTimeoutNs(final long requestTimeoutNs)
    {
        this.requestTimeoutNs = requestTimeoutNs;
        return this;
    }

    /** @return most requests one requester may have in flight. */
    public int maxPendingRequests()
    {
        return maxPendingRequests;
    }

    /**
     * @param maxPendingRequests most requests one requester may have in flight.
     * @return this context.
     */
    public TransportContext maxPendingRequests(final int maxPendingRequests)
    {
        this.maxPendingRequests = maxPendingRequests;
        return this;
    }

    /**
     * @return interval between driver invocations in the invoker profile while IPC only, in nanoseconds.
     */
    public long conductorIntervalNs()
    {
        return conductorIntervalNs;
    }

    /**
     * @param conductorIntervalNs see {@link TransportConfiguration#CONDUCTOR_INTERVAL_PROP_NAME}; 0 runs
     *                            the driver every duty cycle.
     * @return this context.
     */
    public TransportContext conductorIntervalNs(final long conductorIntervalNs)
    {
        this.conductorIntervalNs = conductorIntervalNs;
        return this;
    }

    /**
     * @return the longest hold of an invoker-profile duty cycle the conductor standby covers, in
     * nanoseconds; 0 for none.
     */
    public long conductorStandbyNs()
    {
        return conductorStandbyNs;
    }

    /**
     * @param conductorStandbyNs see {@link TransportConfiguration#CONDUCTOR_STANDBY_PROP_NAME}; 0 for no
     *                           standby. Applies to the invoker profile with an external driver.
     * @return this context.
     */
    public TransportContext conductorStandbyNs(final long conductorStandbyNs)
    {
        this.conductorStandbyNs = conductorStandbyNs;
        return this;
    }

    /**
     * @return how long a client waits for its driver, in nanoseconds.
     */
    public long driverTimeoutNs()
    {
        return driverTimeoutNs;
    }

    /**
     * @param driverTimeoutNs how long a client waits for its driver.
     * @return this context.
     */
    public TransportContext driverTimeoutNs(final long driverTimeoutNs)
    {
        this.driverTimeoutNs = driverTimeoutNs;
        return this;
    }

    /**
     * @return this host's name or address as peers see it.
     */
    public String localHost()
    {
        return localHost;
    }

    /**
     * @param localHost this host's name or address as peers see it.
     * @return this context.
     */
    public TransportContext localHost(final String localHost)
    {
        this.localHost = localHost;
        return this;
    }

    /**
     * @return capacity of the distinct error log file.
     */
    public int errorLogLength()
    {
        return errorLogLength;
    }

    /**
     * @param errorLogLength capacity of the distinct error log file.
     * @return this context.
     */
    public TransportContext errorLogLength(final int errorLogLength)
    {
        this.errorLogLength = errorLogLength;
        return this;
    }

    /**
     * @return the name used in counter labels, file names and the Aeron client name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @param name used in counter labels, file names and the Aeron client name.
     * @return this context.
     */
    public TransportContext name(final String name)
    {
        this.name = name;
        return this;
    }

    /**
     * @return the clock for deadlines.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * @param nanoClock for deadlines; tests inject their own.
     * @return this context.
     */
    public TransportContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return the error handler, or null for the transport's distinct error log.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param errorHandler for errors off the caller's path; null for the distinct error log file.
     * @return this context.
     */
    public TransportContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return told when a duty cycle of this transport or of the agents run with it fails, or null.
     */
    public AgentFailureListener agentFailureListener()
    {
        return agentFailureListener;
    }

    /**
     * @param agentFailureListener told of the first {@link Error} or escaping exception of a duty cycle (see
     *                             {@link FailStop}); null (the default) leaves Agrona's behaviour: the error is
     *                             logged and an {@code Error} ends the thread.
     * @return this context.
     */
    public TransportContext agentFailureListener(final AgentFailureListener agentFailureListener)
    {
        this.agentFailureListener = agentFailureListener;
        return this;
    }

    /**
     * @return how a waiting sender idles between retries.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @param idleStrategy how a waiting sender idles; null for the profile's default.
     * @return this context.
     */
    public TransportContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /**
     * @return true if the pages of log buffers are touched when mapped.
     */
    public boolean preTouchMappedMemory()
    {
        return preTouchMappedMemory;
    }

    /**
     * @param preTouchMappedMemory true to touch every page of a log buffer when it is mapped (no page faults
     *                             on the data path; RSS includes the whole log from the start), false to let
     *                             pages fault in as messages reach them.
     * @return this context.
     */
    public TransportContext preTouchMappedMemory(final boolean preTouchMappedMemory)
    {
        this.preTouchMappedMemory = preTouchMappedMemory;
        return this;
    }

    /**
     * @return the deployment's credentials (nodes only), or null: then nodes admit every frame.
     */
    public CredentialsFile credentials()
    {
        return credentials;
    }

    /**
     * Secures the nodes of this process: their inbound frames are admitted only from other nodes of the
     * deployment (which carry a token derived from its key) and from clients that authenticated with a
     * secret of the file (see {@link SessionGate}); their own frames carry the node token.
     *
     * @param credentials with a deployment key; null to admit every frame (a trusted, single-team setup).
     * @return this context.
     */
    public TransportContext credentials(final CredentialsFile credentials)
    {
        this.credentials = credentials;
        return this;
    }

    /**
     * @return how long a client has to answer a Challenge.
     */
    public long handshakeTimeoutNs()
    {
        return handshakeTimeoutNs;
    }

    /**
     * @param handshakeTimeoutNs how long a client has to answer a Challenge.
     * @return this context.
     */
    public TransportContext handshakeTimeoutNs(final long handshakeTimeoutNs)
    {
        this.handshakeTimeoutNs = handshakeTimeoutNs;
        return this;
    }

    /** @return the token this process's node frames carry, derived from the deployment key; 0 without one. */
    public long nodeToken()
    {
        return nodeToken;
    }

    /** @return the term length publications use, derived from {@link #maxMessageLength()}. */
    public int termLength()
    {
        return termLength;
    }

    /** @return the limits inbound frames are validated against, derived by {@link #conclude()}. */
    public FrameLimits frameLimits()
    {
        return frameLimits;
    }

    /** @return how many peers and links each node of this process may hold; set before {@link #conclude()}. */
    public PeerLimits peerLimits()
    {
        return peerLimits;
    }
}
