package io.droplet.transport;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.NanoClock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the Aeron client's conductor while the duty cycle that owns it is held, so the client keeps
 * heart-beating to the host's media driver.
 * <p>
 * In the {@link ThreadingProfile#INVOKER} profile the client's conductor runs in the node's duty cycle
 * ({@link Transport#invoke()}), so a function or a store write that holds that thread also stops the
 * client's keepalives. The host's driver then reaps the client after its client liveness timeout, and
 * the client, serviced again after more than that timeout, closes itself. A short liveness timeout is what
 * frees the link of a killed process soon (its dead subscription limits every peer's publication to its
 * stream until then), so the keepalives must not depend on the duty cycle. This thread watches the duty
 * cycle: once it has not run the conductor for {@link #HELD_AFTER_NS}, the standby runs the conductor's
 * duty cycle (keepalives, driver events) every {@link #CHECK_INTERVAL_NS} until the owner runs it again.
 * <p>
 * The owner keeps the two things only it may do:
 * <ul>
 *     <li>closing the client: the conductor closes it (unmapping the CnC file and every log) in the
 *     invocation that follows its termination (driver lost, client timed out), and the standby stops at a
 *     termination without invoking again, so that invocation is the owner's, on the duty cycle thread, before
 *     any agent touches those files again;</li>
 *     <li>freeing a log buffer it may still read: the standby stands in for at most {@code maxHoldNs} of one
 *     hold, and the transport makes the client linger released log buffers longer than that, so no image
 *     released while the duty cycle is held (perhaps in the middle of polling it) is unmapped under it. A
 *     longer hold costs a reconnect, as before the standby: the driver reaps the client.</li>
 * </ul>
 * The conductor's duty cycle takes the client's lock, so the standby and the owner never run it at once.
 * <p>
 * <b>Note:</b> {@link #dutyCycleRan()} belongs to the owner's thread; {@link #close()} to the thread that
 * closes the transport; the rest is this standby's own thread.
 */
final class ConductorStandby implements Runnable, AutoCloseable
{
    /** The duty cycle counts as held once it has not run the client's conductor for this long. */
    static final long HELD_AFTER_NS = TimeUnit.MILLISECONDS.toNanos(200);

    /** How often the standby looks at the duty cycle, and runs the conductor while it is held. */
    static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final VarHandle DUTY_CYCLES;

    static
    {
        try
        {
            DUTY_CYCLES = MethodHandles.lookup().findVarHandle(ConductorStandby.class, "dutyCycles", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Agent conductor;
    private final ErrorHandler errorHandler;
    private final NanoClock clock;
    private final long maxHoldNs;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long standIns;
    @SuppressWarnings("unused") // written and read through DUTY_CYCLES
    private long dutyCycles;

    /**
     * @param conductor    the Aeron client's conductor agent (from its agent invoker).
     * @param errorHandler for errors of the conductor's duty cycle while the standby runs it.
     * @param clock        for the hold.
     * @param maxHoldNs    longest hold of the duty cycle the standby covers.
     * @param name         of the transport, for the thread's name.
     */
    ConductorStandby(
        final Agent conductor, final ErrorHandler errorHandler, final NanoClock clock, final long maxHoldNs, final String name)
    {
        this.conductor = conductor;
        this.errorHandler = errorHandler;
        this.clock = clock;
        this.maxHoldNs = maxHoldNs;
        this.thread = new Thread(this, "droplet-" + name + "-conductor-standby");
        thread.setDaemon(true);
    }

    /**
     * Starts the standby's thread.
     *
     * @return this standby.
     */
    ConductorStandby start()
    {
        thread.start();
        return this;
    }

    /**
     * Notes that the owner's duty cycle ran the conductor: a plain increment and an ordered store.
     */
    void dutyCycleRan()
    {
        DUTY_CYCLES.setRelease(this, (long)DUTY_CYCLES.get(this) + 1);
    }

    /**
     * @return how many times the standby ran the conductor's duty cycle.
     */
    long standIns()
    {
        return standIns;
    }

    /**
     * {@inheritDoc}
     */
    public void run()
    {
        long seen = (long)DUTY_CYCLES.getAcquire(this);
        long lastProgressNs = clock.nanoTime();
        while (running)
        {
            LockSupport.parkNanos(CHECK_INTERVAL_NS);
            final long nowNs = clock.nanoTime();
            final long dutyCycles = (long)DUTY_CYCLES.getAcquire(this);
            if (dutyCycles != seen)
            {
                seen = dutyCycles;
                lastProgressNs = nowNs;
                continue;
            }
            final long heldNs = nowNs - lastProgressNs;
            if (heldNs >= HELD_AFTER_NS && heldNs < maxHoldNs)
            {
                try
                {
                    conductor.doWork();
                    standIns++;
                }
                catch (final AgentTerminationException ex)
                {
                    // Terminating (the driver was lost or timed the client out): the owner's next invocation closes
                    // the client on its own thread; the standby must not invoke again.
                    running = false;
                }
                catch (final Throwable ex)
                {
                    errorHandler.onError(ex);
                }
            }
        }
    }

    /**
     * Stops the standby's thread and waits for it, so the client can be closed after.
     */
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive())
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
