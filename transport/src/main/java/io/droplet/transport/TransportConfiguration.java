package io.droplet.transport;

import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Property names and defaults for {@link TransportContext}. Each {@code *_PROP_NAME} is a system
 * property; each default applies when the property is absent. Sizes accept suffixes k, m, g;
 * durations accept ns, us, ms, s.
 */
public final class TransportConfiguration
{
    /** Aeron directory of an external driver; when unset an embedded driver gets a unique one. */
    public static final String AERON_DIR_PROP_NAME = "droplet.aeron.dir";

    /** {@code embedded} (a driver inside this process) or {@code external} (the host's driver). */
    public static final String DRIVER_PROP_NAME = "droplet.driver";
    /** Default driver: embedded. */
    public static final String DRIVER_DEFAULT = "embedded";

    /** Threading profile: {@code invoker}, {@code shared} or {@code dedicated}. */
    public static final String THREADING_PROP_NAME = "droplet.threading";
    /** Default threading: invoker (no threads of our own). */
    public static final String THREADING_DEFAULT = "invoker";

    /** Largest message, header included; larger payloads are refused with PAYLOAD_TOO_LARGE. */
    public static final String MAX_MESSAGE_LENGTH_PROP_NAME = "droplet.max.message.length";
    /** Default largest message: 1 MiB. */
    public static final String MAX_MESSAGE_LENGTH_DEFAULT = "1m";

    /** Most entries accepted in one repeating group of an inbound frame. */
    public static final String MAX_GROUP_COUNT_PROP_NAME = "droplet.max.group.count";
    /** Default most group entries. */
    public static final int MAX_GROUP_COUNT_DEFAULT = 4096;

    /**
     * How long an agent's send retries back-pressure before giving up, when the caller gives no
     * deadline of its own. Zero means agents never wait: a duty cycle is never held by one slow peer.
     */
    public static final String SEND_TIMEOUT_PROP_NAME = "droplet.send.timeout";
    /** Default send timeout: 0, try once. */
    public static final String SEND_TIMEOUT_DEFAULT = "0";

    /**
     * In the invoker profile, how often the duty cycle runs the embedded driver and the Aeron client
     * conductor while every channel of the process is IPC: IPC data does not pass through the driver,
     * which only manages links (new publications, images, liveness), so running it every cycle only costs
     * time on every hop. Once a UDP channel exists they run every cycle (the driver sends and receives).
     */
    public static final String CONDUCTOR_INTERVAL_PROP_NAME = "droplet.conductor.interval";
    /** Default conductor interval while IPC only: 20 us. */
    public static final String CONDUCTOR_INTERVAL_DEFAULT = "20us";

    /**
     * In the invoker profile with the host's (external) driver, the longest hold of the duty cycle (a
     * function or a store write keeping the node's thread) during which a standby thread keeps the Aeron
     * client heart-beating to the driver; 0 turns the standby off. The host's driver reaps a client that
     * does not heartbeat within its client liveness timeout ({@code droplet driver --client-liveness-timeout}),
     * and a client serviced again after longer than that closes itself. See {@link ConductorStandby}.
     */
    public static final String CONDUCTOR_STANDBY_PROP_NAME = "droplet.conductor.standby";
    /** Default longest hold covered by the standby: 10 s. */
    public static final String CONDUCTOR_STANDBY_DEFAULT = "10s";

    /**
     * With an embedded driver in the invoker profile no standby is needed: the driver and its client are held
     * together. The driver's client liveness timeout and the client's driver timeout are then the longer of this
     * and {@link #CONDUCTOR_STANDBY_PROP_NAME}, 60 s, so a node survives a hold of its thread that long (a store
     * opened or recovered in it took 12-20 s on a busy two-core machine; Aeron's default is 10 s).
     */
    public static final long EMBEDDED_INVOKER_HOLD_NS = TimeUnit.SECONDS.toNanos(60);

    /** Deadline of a request when the caller gives none. */
    public static final String REQUEST_TIMEOUT_PROP_NAME = "droplet.request.timeout";
    /** Default request timeout: 5 s. */
    public static final String REQUEST_TIMEOUT_DEFAULT = "5s";

    /** Most requests one requester may have in flight. */
    public static final String MAX_PENDING_REQUESTS_PROP_NAME = "droplet.max.pending.requests";
    /** Default most requests in flight. */
    public static final int MAX_PENDING_REQUESTS_DEFAULT = 65_536;

    /** How long a client waits for its driver before declaring it dead. */
    public static final String DRIVER_TIMEOUT_PROP_NAME = "droplet.driver.timeout";
    /** Default driver timeout: 10 s. */
    public static final String DRIVER_TIMEOUT_DEFAULT = "10s";

    /** Touch every page of a log buffer when it is mapped: {@code true} (default) or {@code false}. */
    public static final String PRE_TOUCH_PROP_NAME = "droplet.pre.touch";

    /** A credentials file: secures this process's nodes (see {@code CredentialsFile}); unset: open. */
    public static final String CREDENTIALS_PROP_NAME = "droplet.credentials";

    /** This host's name or address as peers see it: endpoints on it are reached over IPC. */
    public static final String LOCAL_HOST_PROP_NAME = "droplet.local.host";
    /** Default local host: 127.0.0.1. */
    public static final String LOCAL_HOST_DEFAULT = "127.0.0.1";

    /** Capacity of the distinct error log file. */
    public static final String ERROR_LOG_LENGTH_PROP_NAME = "droplet.error.log.length";
    /** How long a client has to answer a node's Challenge. */
    public static final String HANDSHAKE_TIMEOUT_PROP_NAME = "droplet.handshake.timeout";
    /** Default handshake timeout: 5 s. */
    public static final String HANDSHAKE_TIMEOUT_DEFAULT = "5s";

    /** Most peers one node's directory remembers (see {@link PeerLimits}). */
    public static final String MAX_PEERS_PROP_NAME = "droplet.transport.max.peers";
    /** Default most peers: 16,384. */
    public static final int MAX_PEERS_DEFAULT = 16_384;
    /** Most links (publications to peers) one node holds open at once (see {@link PeerLimits}). */
    public static final String MAX_LINKS_PROP_NAME = "droplet.transport.max.links";
    /** Default most links: 128 (each a log of three terms in the driver's shared memory). */
    public static final int MAX_LINKS_DEFAULT = 128;
    /** How long a new link may stay unconnected before it may be closed to make room. */
    public static final String LINK_GRACE_PROP_NAME = "droplet.transport.link.grace";
    /** Default link grace: 5 s. */
    public static final String LINK_GRACE_DEFAULT = "5s";

    /** {@code Connect}s of peers without a link one node answers in any ten seconds (see {@link PeerLimits}). */
    public static final String NEW_PEERS_PROP_NAME = "droplet.transport.new.peers";
    /** Default new peers answered in ten seconds: 8. */
    public static final int NEW_PEERS_DEFAULT = 8;

    /** Smallest term length publications get, whatever the message limit. */
    static final int MIN_TERM_LENGTH = 64 * 1024;
    /** Largest message limit accepted. */
    static final int MAX_MESSAGE_LENGTH_LIMIT = 16 * 1024 * 1024;

    /** Default error log capacity: 1 MiB. */
    public static final String ERROR_LOG_LENGTH_DEFAULT = "1m";

    private TransportConfiguration()
    {
    }

    /**
     * @return whether log buffers are pre-touched ({@link #PRE_TOUCH_PROP_NAME}, default true).
     */
    public static boolean preTouchMappedMemory()
    {
        return !"false".equalsIgnoreCase(System.getProperty(PRE_TOUCH_PROP_NAME, "true"));
    }

    /**
     * @return the credentials file named by {@link #CREDENTIALS_PROP_NAME}, read; or null.
     */
    public static io.droplet.transport.security.CredentialsFile credentials()
    {
        final String file = System.getProperty(CREDENTIALS_PROP_NAME);
        return null == file || file.isEmpty() ? null :
            io.droplet.transport.security.CredentialsFile.read(java.nio.file.Path.of(file));
    }

    /**
     * @return the configured external Aeron directory, or null.
     */
    public static String aeronDirectoryName()
    {
        return System.getProperty(AERON_DIR_PROP_NAME);
    }

    /**
     * @return true unless {@code droplet.driver=external}.
     */
    public static boolean embeddedDriver()
    {
        final String value = System.getProperty(DRIVER_PROP_NAME, DRIVER_DEFAULT);
        if (!"embedded".equals(value) && !"external".equals(value))
        {
            throw new IllegalArgumentException(DRIVER_PROP_NAME + " must be embedded or external: " + value);
        }
        return "embedded".equals(value);
    }

    /**
     * @return the configured threading profile.
     */
    public static ThreadingProfile threadingProfile()
    {
        return parseThreading(System.getProperty(THREADING_PROP_NAME, THREADING_DEFAULT));
    }

    /**
     * @param value invoker, shared or dedicated, in any case.
     * @return the profile.
     */
    public static ThreadingProfile parseThreading(final String value)
    {
        try
        {
            return ThreadingProfile.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("threading must be invoker, shared or dedicated: " + value, ex);
        }
    }

    /**
     * @return configured largest message length.
     */
    public static int maxMessageLength()
    {
        return (int)SystemUtil.parseSize(MAX_MESSAGE_LENGTH_PROP_NAME,
            System.getProperty(MAX_MESSAGE_LENGTH_PROP_NAME, MAX_MESSAGE_LENGTH_DEFAULT));
    }

    /**
     * @return configured most group entries.
     */
    public static int maxGroupCount()
    {
        return Integer.getInteger(MAX_GROUP_COUNT_PROP_NAME, MAX_GROUP_COUNT_DEFAULT);
    }

    /**
     * @return configured send timeout in nanoseconds.
     */
    public static long sendTimeoutNs()
    {
        return SystemUtil.parseDuration(SEND_TIMEOUT_PROP_NAME,
            System.getProperty(SEND_TIMEOUT_PROP_NAME, SEND_TIMEOUT_DEFAULT));
    }

    /**
     * @return configured interval between invocations of an invoker-profile driver and client conductor
     * while the process uses only IPC, in nanoseconds.
     */
    public static long conductorIntervalNs()
    {
        return SystemUtil.parseDuration(CONDUCTOR_INTERVAL_PROP_NAME,
            System.getProperty(CONDUCTOR_INTERVAL_PROP_NAME, CONDUCTOR_INTERVAL_DEFAULT));
    }

    /**
     * @return configured longest hold of an invoker-profile duty cycle the conductor standby covers, in
     * nanoseconds; 0 for no standby.
     */
    public static long conductorStandbyNs()
    {
        return SystemUtil.parseDuration(CONDUCTOR_STANDBY_PROP_NAME,
            System.getProperty(CONDUCTOR_STANDBY_PROP_NAME, CONDUCTOR_STANDBY_DEFAULT));
    }

    /**
     * @return configured request timeout in nanoseconds.
     */
    public static long requestTimeoutNs()
    {
        return SystemUtil.parseDuration(REQUEST_TIMEOUT_PROP_NAME,
            System.getProperty(REQUEST_TIMEOUT_PROP_NAME, REQUEST_TIMEOUT_DEFAULT));
    }

    /**
     * @return configured most requests in flight.
     */
    public static int maxPendingRequests()
    {
        return Integer.getInteger(MAX_PENDING_REQUESTS_PROP_NAME, MAX_PENDING_REQUESTS_DEFAULT);
    }

    /**
     * @return most peers a node's directory remembers, from {@link #MAX_PEERS_PROP_NAME} or its default.
     */
    public static int maxPeers()
    {
        return Integer.getInteger(MAX_PEERS_PROP_NAME, MAX_PEERS_DEFAULT);
    }

    /**
     * @return most links a node holds open, from {@link #MAX_LINKS_PROP_NAME} or its default.
     */
    public static int maxLinks()
    {
        return Integer.getInteger(MAX_LINKS_PROP_NAME, MAX_LINKS_DEFAULT);
    }

    /**
     * @return Connects of peers without a link answered in ten seconds, from {@link #NEW_PEERS_PROP_NAME} or its default.
     */
    public static int newPeers()
    {
        return Integer.getInteger(NEW_PEERS_PROP_NAME, NEW_PEERS_DEFAULT);
    }

    /**
     * @return how long a new link may stay unconnected before it may be closed, from {@link #LINK_GRACE_PROP_NAME}.
     */
    public static long linkGraceNs()
    {
        return SystemUtil.parseDuration(LINK_GRACE_PROP_NAME, System.getProperty(LINK_GRACE_PROP_NAME, LINK_GRACE_DEFAULT));
    }

    /**
     * @return configured driver timeout in nanoseconds.
     */
    public static long driverTimeoutNs()
    {
        return SystemUtil.parseDuration(DRIVER_TIMEOUT_PROP_NAME,
            System.getProperty(DRIVER_TIMEOUT_PROP_NAME, DRIVER_TIMEOUT_DEFAULT));
    }

    /**
     * @return configured local host.
     */
    public static String localHost()
    {
        return System.getProperty(LOCAL_HOST_PROP_NAME, LOCAL_HOST_DEFAULT);
    }

    /**
     * @return configured error log capacity.
     */
    public static int errorLogLength()
    {
        return (int)SystemUtil.parseSize(ERROR_LOG_LENGTH_PROP_NAME,
            System.getProperty(ERROR_LOG_LENGTH_PROP_NAME, ERROR_LOG_LENGTH_DEFAULT));
    }

    /**
     * @return configured handshake timeout in nanoseconds.
     */
    public static long handshakeTimeoutNs()
    {
        return SystemUtil.parseDuration(HANDSHAKE_TIMEOUT_PROP_NAME,
            System.getProperty(HANDSHAKE_TIMEOUT_PROP_NAME, HANDSHAKE_TIMEOUT_DEFAULT));
    }

    /**
     * Aeron's largest message is a term's eighth: terms are sized to carry the configured maximum.
     *
     * @param maxMessageLength largest message, header included.
     * @return the term length publications use.
     */
    public static int termLength(final int maxMessageLength)
    {
        return Math.max(MIN_TERM_LENGTH, Integer.highestOneBit(maxMessageLength - 1) << 4);
    }

    /**
     * @param embeddedDriver     true if the driver runs inside the process.
     * @param aeronDirectoryName as configured, or null.
     * @return the directory to use: as configured, or a unique one for an embedded driver.
     * @throws IllegalArgumentException for an external driver without a directory.
     */
    public static String resolveAeronDirectory(final boolean embeddedDriver, final String aeronDirectoryName)
    {
        if (null != aeronDirectoryName)
        {
            return aeronDirectoryName;
        }
        if (!embeddedDriver)
        {
            throw new IllegalArgumentException("an external driver needs its Aeron directory: set " + AERON_DIR_PROP_NAME);
        }
        return defaultEmbeddedDirectory();
    }

    /**
     * @return a unique directory for an embedded driver: under /dev/shm where it can be written, else the
     * temporary directory.
     */
    public static String defaultEmbeddedDirectory()
    {
        final File shm = new File("/dev/shm");
        final String parent = shm.isDirectory() && shm.canWrite() ? shm.getPath() : System.getProperty("java.io.tmpdir");
        return new File(parent, "droplet-" + UUID.randomUUID()).getPath();
    }

    /**
     * @param maxMessageLength largest message, header included.
     * @throws IllegalArgumentException if it is outside [64, 16 MiB].
     */
    public static void validateMaxMessageLength(final int maxMessageLength)
    {
        if (maxMessageLength < 64 || maxMessageLength > MAX_MESSAGE_LENGTH_LIMIT)
        {
            throw new IllegalArgumentException(
                "maxMessageLength must be in [64, " + MAX_MESSAGE_LENGTH_LIMIT + "]: " + maxMessageLength);
        }
    }

    /**
     * @param profile of the process.
     * @return how an agent (or a waiting sender) of that profile idles: busy-spin when dedicated, else a
     * back-off that spins and yields for a bounded window before it parks.
     */
    public static IdleStrategy idleStrategy(final ThreadingProfile profile)
    {
        return profile == ThreadingProfile.DEDICATED ? new BusySpinIdleStrategy() : new BackoffIdleStrategy(100, 10, 1_000, 100_000);
    }
}
