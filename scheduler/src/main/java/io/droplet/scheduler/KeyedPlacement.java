package io.droplet.scheduler;

import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueType;
import org.agrona.DirectBuffer;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Places the calls of keyed functions ({@code FunctionKind.KEYED_CLASS}) by their key, so one key has one
 * activation in the deployment: the key is the first argument of the call, and the executor is chosen by
 * rendezvous hashing of (function, key) over the live executors that have the function. Schedulers that
 * agree on membership send a key to the same executor; when that executor leaves, only its keys move (each
 * to the executor with the next best score), and they move back if it returns. While membership is in flux
 * (an executor dead but not yet expired, or two schedulers that disagree) a key can briefly have two
 * activations; their state is a last-writer-wins value, so the later write wins.
 * <p>
 * The key is hashed as its encoded bytes (tag, length, UTF-8), so any value type works as a key and every
 * scheduler hashes it alike.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the scheduler's thread. Placing a call allocates nothing.
 */
final class KeyedPlacement
{
    private final Set<String> functions = new HashSet<>();
    private final ValueReader reader = new ValueReader();

    /**
     * @param function registered as keyed.
     */
    void register(final String function)
    {
        functions.add(function);
    }

    /**
     * @param function registered again as another kind, or deleted.
     */
    void forget(final String function)
    {
        functions.remove(function);
    }

    /**
     * @param function of a stage.
     * @return true if it is keyed.
     */
    boolean isKeyed(final String function)
    {
        return !functions.isEmpty() && functions.contains(function);
    }

    /**
     * @param function keyed.
     * @param args     buffer holding the call's arguments (a list, the key first).
     * @param offset   of the arguments.
     * @param length   of the arguments; negative for none.
     * @param live     executors, in any order.
     * @return the executor the key belongs to, or 0 if the arguments carry no key or no live executor has the
     * function.
     */
    long place(final String function, final DirectBuffer args, final int offset, final int length, final List<ExecutorView> live)
    {
        final long keyHash = keyHash(function, args, offset, length);
        if (keyHash == 0)
        {
            return 0;
        }
        ExecutorView chosen = null;
        long best = 0;
        for (int i = 0, size = live.size(); i < size; i++)
        {
            final ExecutorView executor = live.get(i);
            if (!executor.hasFunction(function))
            {
                continue;
            }
            final long score = mix(keyHash ^ executor.nodeId()) & Long.MAX_VALUE;
            if (null == chosen || score > best)
            {
                chosen = executor;
                best = score;
            }
        }
        return null == chosen ? 0 : chosen.nodeId();
    }

    /**
     * @return a hash of the function and the call's first argument (never 0), or 0 if there is no first argument.
     */
    long keyHash(final String function, final DirectBuffer args, final int offset, final int length)
    {
        if (length < 9 || args.getByte(offset) != ValueType.LIST.tag())
        {
            return 0;
        }
        reader.wrap(args, offset, length);
        if (reader.enterList() < 1)
        {
            return 0;
        }
        final int start = reader.position();
        try
        {
            reader.skip();
        }
        catch (final RuntimeException ex)
        {
            return 0;
        }
        final int end = reader.position();
        // FNV-1a over the key's encoded bytes, seeded with the function's name.
        long hash = 0xCBF29CE484222325L ^ function.hashCode();
        for (int i = start; i < end; i++)
        {
            hash ^= args.getByte(i) & 0xFF;
            hash *= 0x100000001B3L;
        }
        return 0 == hash ? 1 : hash;
    }

    private static long mix(final long value)
    {
        // SplitMix64's finaliser, as StatefulPins: spreads nearby executor ids over the whole range.
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
