package io.droplet.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stateful functions, each pinned to one live executor so exactly one instance exists: the registration
 * goes to that executor only, and every call of the function is placed there. The executor is chosen by
 * rendezvous hashing of the function's name over the live executors, so schedulers that agree on
 * membership pin it to the same one; when it leaves, the next call pins the function again.
 * <p>
 * Keyed functions are pinned per key rather than per function: {@link #keyed()} places them.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread.
 */
final class StatefulPins
{
    private final Map<String, byte[]> registrations = new HashMap<>();
    // Here rather than beside: every part that knows of pins (launcher, code shipping) needs the keyed ones too.
    private final KeyedPlacement keyed = new KeyedPlacement();
    private final Map<String, ExecutorView> pinned = new HashMap<>();
    private final Membership membership;
    private final ExecutorMessages messages;

    StatefulPins(final Membership membership, final ExecutorMessages messages)
    {
        this.membership = membership;
        this.messages = messages;
    }

    /**
     * Registers a stateful function and pins it now.
     *
     * @param function name.
     * @param frame    its registration frame.
     */
    void register(final String function, final byte[] frame)
    {
        registrations.put(function, frame);
        pin(function);
    }

    /**
     * @return the placement of keyed functions, by key.
     */
    KeyedPlacement keyed()
    {
        return keyed;
    }

    /**
     * Forgets a function as stateful without unloading it (it is registered again, perhaps as another kind).
     *
     * @param function name.
     */
    void forget(final String function)
    {
        registrations.remove(function);
        pinned.remove(function);
        keyed.forget(function);
    }

    /**
     * Forgets a stateful function; its executor unloads it.
     *
     * @param function name.
     * @param sender   node id the DeleteFunction names.
     * @return true if it was a stateful function.
     */
    boolean remove(final String function, final long sender)
    {
        final ExecutorView pinnedTo = pinned.remove(function);
        if (null == registrations.remove(function))
        {
            return false;
        }
        if (null != pinnedTo)
        {
            messages.deleteFunction(pinnedTo.nodeId(), sender, function);
        }
        return true;
    }

    /**
     * @param function of a stage.
     * @return the executor it is pinned to, re-pinning it if that executor left; null if the function is
     * not stateful (or no executor is live).
     */
    ExecutorView pinnedExecutor(final String function)
    {
        if (registrations.isEmpty() || !registrations.containsKey(function))
        {
            return null;
        }
        final ExecutorView current = pinned.get(function);
        return null != current && membership.executor(current.nodeId()) == current ? current : pin(function);
    }

    private ExecutorView pin(final String function)
    {
        ExecutorView chosen = null;
        long best = 0;
        final long nameHash = function.hashCode() * 0x9E3779B97F4A7C15L;
        final List<ExecutorView> live = membership.liveExecutors();
        for (int i = 0; i < live.size(); i++)
        {
            final ExecutorView executor = live.get(i);
            final long score = mix(nameHash ^ executor.nodeId()) & Long.MAX_VALUE;
            if (null == chosen || score > best)
            {
                chosen = executor;
                best = score;
            }
        }
        if (null == chosen)
        {
            return null;
        }
        pinned.put(function, chosen);
        messages.registration(chosen.nodeId(), registrations.get(function));
        return chosen;
    }

    private static long mix(final long value)
    {
        // SplitMix64's finaliser: spreads nearby executor ids over the whole range.
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
