package io.droplet.transport;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * A process's connection to Aeron: an embedded media driver or the host's external one, and the
 * Aeron client, arranged by the {@link ThreadingProfile}.
 * <p>
 * In the {@link ThreadingProfile#INVOKER} profile neither the driver nor the client starts a
 * thread: the owner calls {@link #invoke()} from its duty cycle (or composes {@link #conductorAgent()}
 * with its own agents), which is how a one-process node gets microsecond UDP round trips on a
 * 2-core host. The other profiles let Aeron run its own threads. With the host's (external) driver, a
 * {@link ConductorStandby} keeps the client heart-beating while the duty cycle is held.
 * <p>
 * <b>Note:</b> {@link #invoke()} and {@link #conductorAgent()} belong to one thread, the node's
 * duty cycle; {@link #aeron()} is thread-safe as Aeron's client is.
 */
public final class Transport implements AutoCloseable
{
    private final TransportContext context;
    private final long conductorIntervalNs;
    private volatile boolean usesUdp;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker clientInvoker;
    private final ConductorStandby standby;
    private final ErrorLogFile errorLog;
    private final ErrorHandler errorHandler;
    private final FailStop failStop;

    private Transport(final TransportContext context)
    {
        this.context = context;
        MediaDriver launchedDriver = null;
        ErrorLogFile launchedErrorLog = null;
        Aeron connected = null;
        // A standby for an invoker-profile client of the host's driver: an embedded driver is held with the duty
        // cycle that runs it, so nothing times the client out meanwhile.
        final boolean standing = context.threadingProfile() == ThreadingProfile.INVOKER && !context.embeddedDriver() &&
            context.conductorStandbyNs() > 0;
        try
        {
            final boolean invoker = context.threadingProfile() == ThreadingProfile.INVOKER;
            // An embedded driver in the invoker profile runs in the same duty cycle as its client: a hold of that
            // thread (a store opening, a GC pause, a busy machine, a caller that does not drive it) stops both, so
            // their liveness timeouts only turn a long hold into a dead transport. They are as long as the hold
            // the process should survive.
            final long embeddedHoldNs = context.embeddedDriver() && invoker ?
                Math.max(TransportConfiguration.EMBEDDED_INVOKER_HOLD_NS, context.conductorStandbyNs()) : 0;
            failStop = null == context.agentFailureListener() ? null : new FailStop(context.agentFailureListener());
            if (context.embeddedDriver())
            {
                launchedDriver = MediaDriver.launchEmbedded(driverContext(context, embeddedHoldNs, failStop));
            }

            if (null == context.errorHandler())
            {
                final File file = new File(
                    context.aeronDirectoryName(), "droplet-" + context.name() + "-" + ProcessHandle.current().pid() + "-errors.dat");
                launchedErrorLog = ErrorLogFile.create(
                    file, context.errorLogLength(), SystemEpochClock.INSTANCE, Throwable::printStackTrace);
                errorHandler = launchedErrorLog;
            }
            else
            {
                errorHandler = context.errorHandler();
            }

            final Aeron.Context aeronContext = new Aeron.Context()
                .aeronDirectoryName(context.aeronDirectoryName())
                .clientName(context.name())
                .errorHandler(errorHandler)
                .subscriberErrorHandler(errorHandler)
                .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(Math.max(context.driverTimeoutNs(), embeddedHoldNs)))
                // Every page of a log buffer is touched when it is mapped, not when the first message reaches it:
                // no page fault on the data path, and the process's RSS is what it will be from the start.
                .preTouchMappedMemory(context.preTouchMappedMemory())
                .useConductorAgentInvoker(invoker);
            if (null != launchedDriver && invoker)
            {
                // Lets Aeron's client drive the driver while it waits for a synchronous answer.
                aeronContext.driverAgentInvoker(launchedDriver.sharedAgentInvoker());
            }
            if (standing)
            {
                // Whatever the client releases while the duty cycle is held (an image whose peer went away) stays
                // mapped for longer than the standby covers a hold: the held duty cycle may be polling it.
                aeronContext.resourceLingerDurationNs(Math.max(aeronContext.resourceLingerDurationNs(),
                    context.conductorStandbyNs() + TimeUnit.SECONDS.toNanos(1)));
            }
            if (!invoker && null != failStop)
            {
                aeronContext.threadFactory(failStop.threadFactory("aeron-client-conductor"));
            }
            if (!invoker)
            {
                aeronContext.idleStrategy(context.threadingProfile() == ThreadingProfile.DEDICATED ?
                    new BusySpinIdleStrategy() : new SleepingMillisIdleStrategy(1));
            }
            connected = Aeron.connect(aeronContext);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(connected, launchedErrorLog, launchedDriver);
            throw ex;
        }

        this.driver = launchedDriver;
        this.errorLog = launchedErrorLog;
        this.aeron = connected;
        this.driverInvoker = null != driver ? driver.sharedAgentInvoker() : null;
        this.clientInvoker = aeron.conductorAgentInvoker();
        this.conductorIntervalNs = context.conductorIntervalNs();
        this.standby = standing ?
            new ConductorStandby(clientInvoker.agent(), errorHandler, SystemNanoClock.INSTANCE, context.conductorStandbyNs(),
                context.name()).start() :
            null;
    }

    private static MediaDriver.Context driverContext(
        final TransportContext context, final long embeddedHoldNs, final FailStop failStop)
    {
        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(context.aeronDirectoryName())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false)
            .termBufferSparseFile(true)
            .publicationTermBufferLength(context.termLength())
            .ipcTermBufferLength(context.termLength())
            .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(context.driverTimeoutNs()))
            .spiesSimulateConnection(false);
        if (null != failStop)
        {
            // An Error ends a driver thread (Agrona rethrows it): with no driver the node is a zombie, so it is a
            // failure of the process. The driver's own exceptions stay in its error log, as Aeron intends.
            driverContext
                .conductorThreadFactory(failStop.threadFactory("aeron-driver-conductor"))
                .senderThreadFactory(failStop.threadFactory("aeron-driver-sender"))
                .receiverThreadFactory(failStop.threadFactory("aeron-driver-receiver"))
                .sharedNetworkThreadFactory(failStop.threadFactory("aeron-driver-shared-network"))
                .sharedThreadFactory(failStop.threadFactory("aeron-driver-shared"));
        }

        switch (context.threadingProfile())
        {
            case INVOKER:
                driverContext.threadingMode(ThreadingMode.INVOKER)
                    .sharedIdleStrategy(new NoOpIdleStrategy())
                    .clientLivenessTimeoutNs(embeddedHoldNs)
                    // Aeron requires a blocked publication to be unblocked only after its client could be timed out.
                    .publicationUnblockTimeoutNs(embeddedHoldNs + TimeUnit.SECONDS.toNanos(5));
                break;
            case SHARED:
                driverContext.threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new BackoffIdleStrategy(100, 10, 1_000, 1_000_000));
                break;
            case DEDICATED:
            default:
                driverContext.threadingMode(ThreadingMode.DEDICATED)
                    .conductorIdleStrategy(new BackoffIdleStrategy(100, 10, 1_000, 1_000_000))
                    .senderIdleStrategy(new BusySpinIdleStrategy())
                    .receiverIdleStrategy(new BusySpinIdleStrategy());
                break;
        }
        return driverContext;
    }

    /**
     * Launches the embedded driver (if configured) and connects the Aeron client.
     *
     * @param context settings; concluded here.
     * @return the running transport.
     */
    public static Transport launch(final TransportContext context)
    {
        return new Transport(context.conclude());
    }

    /**
     * @return the settings this transport runs with.
     */
    public TransportContext context()
    {
        return context;
    }

    /**
     * @return the Aeron client.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * @return the error handler every part of this transport reports to.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @return what makes this process's duty cycles fail-stop, reporting to the context's
     * {@link TransportContext#agentFailureListener()}; null without a listener.
     */
    public FailStop failStop()
    {
        return failStop;
    }

    /**
     * @return the distinct error log file, or null if the context supplied its own error handler.
     */
    public File errorLogFile()
    {
        return null != errorLog ? errorLog.file() : null;
    }

    /**
     * @return true if the owner must call {@link #invoke()} from its duty cycle.
     */
    public boolean isInvoker()
    {
        return null != clientInvoker;
    }

    /**
     * Drives the embedded driver's and the client's conductors once, in the invoker profile; does
     * nothing otherwise.
     *
     * @return work done.
     */
    public int invoke()
    {
        int workCount = 0;
        if (null != driverInvoker)
        {
            workCount += driverInvoker.invoke();
        }
        if (null != clientInvoker)
        {
            workCount += clientInvoker.invoke();
            if (null != standby)
            {
                standby.dutyCycleRan();
            }
        }
        return workCount;
    }

    /**
     * Notes that the process has a UDP channel: from now on the conductor agent runs the driver every
     * duty cycle, as it must send and receive (see {@link TransportConfiguration#CONDUCTOR_INTERVAL_PROP_NAME}).
     *
     * @param channel an Aeron channel about to be used.
     */
    void noteChannel(final String channel)
    {
        if (channel.startsWith("aeron:udp"))
        {
            usesUdp = true;
        }
    }

    /**
     * @return an agent whose duty cycle is {@link #invoke()}, to compose with a node's agents; while the
     * process uses only IPC it runs the driver and client conductor every
     * {@link TransportConfiguration#CONDUCTOR_INTERVAL_PROP_NAME} rather than every cycle.
     */
    public Agent conductorAgent()
    {
        return new Agent()
        {
            private long nextInvokeNs;

            public int doWork()
            {
                if (usesUdp || conductorIntervalNs == 0)
                {
                    return invokeOrTerminate();
                }
                final long now = context.nanoClock().nanoTime();
                if (now - nextInvokeNs >= 0)
                {
                    nextInvokeNs = now + conductorIntervalNs;
                    return invokeOrTerminate();
                }
                return 0;
            }

            private int invokeOrTerminate()
            {
                final int work = invoke();
                if (aeron.isClosed())
                {
                    // The client closed itself (driver lost): its mapped files are gone, so no agent of this duty
                    // cycle may touch a counter or a log again. Stops the runner before the next agent runs.
                    throw new org.agrona.concurrent.AgentTerminationException("the media driver was lost");
                }
                return work;
            }

            public String roleName()
            {
                return "droplet-transport-conductor";
            }
        };
    }

    /**
     * @return counters for a node of this transport, in Aeron's CnC file.
     * @param name of the node, for the labels.
     */
    public TransportCounters newCounters(final String name)
    {
        return new TransportCounters(aeron::addCounter, name);
    }

    /**
     * @return how many times the conductor standby ran the client's conductor for a held duty cycle; 0
     * without a standby.
     */
    long conductorStandIns()
    {
        return null != standby ? standby.standIns() : 0;
    }

    /**
     * Stops the conductor standby, then closes the client and the embedded driver (which deletes its
     * directory).
     */
    public void close()
    {
        CloseHelper.closeAll(standby, aeron, errorLog, driver);
    }
}
