package io.droplet.client;

import io.droplet.codecs.value.CodecRegistry;
import io.droplet.store.ring.ReplicaFailover;
import io.droplet.transport.Endpoint;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.TransportContext;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What a client's conductor and its requests run with: the client node's channels, the scheduler, and every
 * clock, size and limit. Unset values are resolved by {@link #conclude()} from the transport's context or
 * the defaults below; tests set clocks of their own.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, conclude, then hand to a {@link ClientConductor}.
 */
public final class ClientContext
{
    /** Most requests waiting in the queue from user threads to the conductor, by default. */
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    /** Most frames polled and requests drained per duty cycle, by default. */
    public static final int DEFAULT_DUTY_CYCLE_LIMIT = 64;
    /** How long past a request's deadline a blocking call waits for its TIMEOUT, by default. */
    public static final long DEFAULT_DEADLINE_GRACE_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Most instants a PERIOD call at given times may name, by default. */
    public static final int DEFAULT_MAX_TIMES = 1024;

    private boolean concluded;
    private NodeChannels channels;
    private long schedulerNode;
    private Endpoint schedulerEndpoint;
    private CodecRegistry codecs;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private int fragmentLimit = DEFAULT_DUTY_CYCLE_LIMIT;
    private int drainLimit = DEFAULT_DUTY_CYCLE_LIMIT;
    private NanoClock nanoClock;
    private EpochClock epochClock;
    private int maxPendingRequests;
    private int maxMessageLength;
    private long handshakeSendNs = -1;
    private long suspectNs = ReplicaFailover.DEFAULT_SUSPECT_NS;
    private long deadlineGraceNs = DEFAULT_DEADLINE_GRACE_NS;
    private int maxTimes = DEFAULT_MAX_TIMES;

    /**
     * Checks what was set and resolves the rest; once.
     *
     * @return this context.
     * @throws IllegalStateException if the channels or the scheduler are missing, or a limit is not positive.
     */
    public ClientContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (null == channels || null == schedulerEndpoint)
        {
            throw new IllegalStateException("a client needs its channels and the scheduler");
        }
        final TransportContext transport = channels.transport().context();
        codecs = null == codecs ? new CodecRegistry() : codecs;
        nanoClock = null == nanoClock ? transport.nanoClock() : nanoClock;
        epochClock = null == epochClock ? SystemEpochClock.INSTANCE : epochClock;
        maxPendingRequests = 0 == maxPendingRequests ? transport.maxPendingRequests() : maxPendingRequests;
        maxMessageLength = 0 == maxMessageLength ? transport.maxMessageLength() : maxMessageLength;
        // A refused Authenticate costs a Connect timeout: let it wait a little for its link.
        handshakeSendNs = handshakeSendNs < 0 ? transport.requestTimeoutNs() / 10 : handshakeSendNs;
        if (queueCapacity <= 0 || fragmentLimit <= 0 || drainLimit <= 0 || maxPendingRequests <= 0 || maxTimes <= 0)
        {
            throw new IllegalStateException("queue capacity, duty cycle limits, pending requests and times must be positive");
        }
        concluded = true;
        return this;
    }

    /**
     * @param channels of the client node; its inbound side is opened by the conductor.
     * @return this context.
     */
    public ClientContext channels(final NodeChannels channels)
    {
        this.channels = channels;
        return this;
    }

    /**
     * @return the client node's channels.
     */
    public NodeChannels channels()
    {
        return channels;
    }

    /**
     * @param schedulerNode     to send requests to.
     * @param schedulerEndpoint where it receives.
     * @return this context.
     */
    public ClientContext scheduler(final long schedulerNode, final Endpoint schedulerEndpoint)
    {
        this.schedulerNode = schedulerNode;
        this.schedulerEndpoint = Objects.requireNonNull(schedulerEndpoint);
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
     * @param codecs for extension value types.
     * @return this context.
     */
    public ClientContext codecs(final CodecRegistry codecs)
    {
        this.codecs = codecs;
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
     * @param queueCapacity most requests waiting to be sent.
     * @return this context.
     */
    public ClientContext queueCapacity(final int queueCapacity)
    {
        this.queueCapacity = queueCapacity;
        return this;
    }

    /**
     * @return most requests waiting to be sent.
     */
    public int queueCapacity()
    {
        return queueCapacity;
    }

    /**
     * @param fragmentLimit most frames polled per duty cycle.
     * @return this context.
     */
    public ClientContext fragmentLimit(final int fragmentLimit)
    {
        this.fragmentLimit = fragmentLimit;
        return this;
    }

    /**
     * @return most frames polled per duty cycle.
     */
    public int fragmentLimit()
    {
        return fragmentLimit;
    }

    /**
     * @param drainLimit most queued requests sent per duty cycle.
     * @return this context.
     */
    public ClientContext drainLimit(final int drainLimit)
    {
        this.drainLimit = drainLimit;
        return this;
    }

    /**
     * @return most queued requests sent per duty cycle.
     */
    public int drainLimit()
    {
        return drainLimit;
    }

    /**
     * @param nanoClock of request deadlines and storage suspicions.
     * @return this context.
     */
    public ClientContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return the clock of request deadlines and storage suspicions.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * @param epochClock of the wall-clock times requests carry (call deadlines, timestamps), in milliseconds.
     * @return this context.
     */
    public ClientContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /**
     * @return the clock of the wall-clock times requests carry, in milliseconds.
     */
    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * @param maxPendingRequests most requests awaiting answers, to the scheduler and to storage each.
     * @return this context.
     */
    public ClientContext maxPendingRequests(final int maxPendingRequests)
    {
        this.maxPendingRequests = maxPendingRequests;
        return this;
    }

    /**
     * @return most requests awaiting answers, to the scheduler and to storage each.
     */
    public int maxPendingRequests()
    {
        return maxPendingRequests;
    }

    /**
     * @return largest message the client sends.
     */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * @param handshakeSendNs how long an Authenticate may wait for its link.
     * @return this context.
     */
    public ClientContext handshakeSendNs(final long handshakeSendNs)
    {
        this.handshakeSendNs = handshakeSendNs;
        return this;
    }

    /**
     * @return how long an Authenticate may wait for its link.
     */
    public long handshakeSendNs()
    {
        return handshakeSendNs;
    }

    /**
     * @param suspectNs how long, at least, a storage node that left a request unanswered is passed over.
     * @return this context.
     */
    public ClientContext suspectNs(final long suspectNs)
    {
        this.suspectNs = suspectNs;
        return this;
    }

    /**
     * @return how long, at least, a storage node that left a request unanswered is passed over.
     */
    public long suspectNs()
    {
        return suspectNs;
    }

    /**
     * @param deadlineGraceNs how long past a request's deadline a blocking call waits for its TIMEOUT.
     * @return this context.
     */
    public ClientContext deadlineGraceNs(final long deadlineGraceNs)
    {
        this.deadlineGraceNs = deadlineGraceNs;
        return this;
    }

    /**
     * @return how long past a request's deadline a blocking call waits for its TIMEOUT.
     */
    public long deadlineGraceNs()
    {
        return deadlineGraceNs;
    }

    /**
     * @param maxTimes most instants a PERIOD call at given times may name.
     * @return this context.
     */
    public ClientContext maxTimes(final int maxTimes)
    {
        this.maxTimes = maxTimes;
        return this;
    }

    /**
     * @return most instants a PERIOD call at given times may name.
     */
    public int maxTimes()
    {
        return maxTimes;
    }
}
