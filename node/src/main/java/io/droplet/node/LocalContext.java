package io.droplet.node;

import io.droplet.codecs.value.CodecRegistry;
import io.droplet.transport.AgentFailureListener;
import io.droplet.transport.ThreadingProfile;

import java.util.concurrent.TimeUnit;

/**
 * Settings of an in-process node started by {@link Droplet#local(LocalContext)}.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, then hand over.
 */
public final class LocalContext
{
    private ThreadingProfile threading = ThreadingProfile.SHARED;
    private int executors = 1;
    private int schedulers = 1;
    private long callTimeoutNs = TimeUnit.SECONDS.toNanos(10);
    private CodecRegistry codecs = new CodecRegistry();
    private java.io.File dataDirectory;
    private String aeronDirectoryName;
    private AgentFailureListener nodeFailureHandler;

    /**
     * @return how the node's agents run.
     */
    public ThreadingProfile threading()
    {
        return threading;
    }

    /**
     * @param threading SHARED (default: the roles composed on one node thread with back-off idling), DEDICATED
     *                  (a busy-spinning thread per role, and the transport's conductors and embedded driver on
     *                  threads of their own: the low-latency profile, needs a free core per thread) or INVOKER
     *                  (no thread: the caller's blocking calls drive the node; use the client from that one
     *                  thread only).
     * @return this context.
     */
    public LocalContext threading(final ThreadingProfile threading)
    {
        this.threading = threading;
        return this;
    }

    /**
     * @return executors in the node.
     */
    public int executors()
    {
        return executors;
    }

    /**
     * @param executors in the node (default 1).
     * @return this context.
     */
    public LocalContext executors(final int executors)
    {
        this.executors = executors;
        return this;
    }

    /**
     * @return schedulers in the node.
     */
    public int schedulers()
    {
        return schedulers;
    }

    /**
     * @param schedulers in the node (default 1): each serves any call, since the registry is in the KVS;
     *                   the node's client talks to the first, others are at {@link Droplet#schedulerEndpoint(int)}.
     * @return this context.
     */
    public LocalContext schedulers(final int schedulers)
    {
        if (schedulers < 1 || schedulers > 9)
        {
            throw new IllegalArgumentException("1 to 9 schedulers: " + schedulers);
        }
        this.schedulers = schedulers;
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
     * @param callTimeoutNs default deadline of calls that give none.
     * @return this context.
     */
    public LocalContext callTimeoutNs(final long callTimeoutNs)
    {
        this.callTimeoutNs = callTimeoutNs;
        return this;
    }

    /**
     * @return the storage node's data directory, or null for a temporary one removed at close.
     */
    public java.io.File dataDirectory()
    {
        return dataDirectory;
    }

    /**
     * @param dataDirectory where the local storage node keeps its files (kept at close); null for a
     *                      temporary directory removed at close.
     * @return this context.
     */
    public LocalContext dataDirectory(final java.io.File dataDirectory)
    {
        this.dataDirectory = dataDirectory;
        return this;
    }

    /**
     * @return the embedded driver's directory, or null for a unique one.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * @param aeronDirectoryName for the embedded driver, so clients in other processes can connect to
     *                           this node through it; null for a unique directory.
     * @return this context.
     */
    public LocalContext aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /**
     * @return told when the node failed, or null for the default (a line on standard error).
     */
    public AgentFailureListener nodeFailureHandler()
    {
        return nodeFailureHandler;
    }

    /**
     * @param nodeFailureHandler told once, on a thread of its own, when a duty cycle of the node failed (an
     *                           {@code OutOfMemoryError}, say); the node is then closed on that thread, and every
     *                           call in flight and every later one fails at once with INTERNAL naming the cause.
     *                           Null (the default) writes one line on standard error. The node never ends the
     *                           JVM it is a guest in; an application that would rather stop (so its service
     *                           manager restarts it) closes the client (which waits for the node's close) and
     *                           exits, from this handler or after it.
     * @return this context.
     */
    public LocalContext nodeFailureHandler(final AgentFailureListener nodeFailureHandler)
    {
        this.nodeFailureHandler = nodeFailureHandler;
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
    public LocalContext codecs(final CodecRegistry codecs)
    {
        this.codecs = codecs;
        return this;
    }
}
