package io.droplet.executors;

import io.droplet.transport.security.Namespaces;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The namespace of the function being run: in a secured deployment a function of a namespace reaches
 * the keys of that namespace only, through its state and through the references in its arguments.
 * Clients are checked at the nodes' door, functions here.
 * <p>
 * <b>Note:</b> not thread-safe; owned by one executor agent (or by one pooled run: entered by the agent,
 * then only {@link #permits read} by the worker the run is handed to). Allocation-free.
 */
final class StageNamespace
{
    private final boolean namespaced;
    private final AtomicCounter keysRefused;
    /** {@code namespace/} of the function being run, or length 0 for a function named without one. */
    private final UnsafeBuffer prefix = new UnsafeBuffer(new byte[80]);
    private int prefixLength;

    /**
     * @param namespaced  true in a secured deployment.
     * @param keysRefused counts refused accesses.
     */
    StageNamespace(final boolean namespaced, final AtomicCounter keysRefused)
    {
        this.namespaced = namespaced;
        this.keysRefused = keysRefused;
    }

    /**
     * Notes the namespace of the function about to run: its name up to and including the first
     * {@code /}, in a secured deployment only.
     */
    void enter(final DirectBuffer name, final int offset, final int length)
    {
        prefixLength = 0;
        if (!namespaced)
        {
            return;
        }
        for (int i = 0; i < length && i < prefix.capacity(); i++)
        {
            if (name.getByte(offset + i) == (byte)Namespaces.SEPARATOR)
            {
                prefix.putBytes(0, name, offset, i + 1);
                prefixLength = i + 1;
                return;
            }
        }
    }

    /**
     * @return true if the key may be read or written by the running function; a refusal is counted.
     */
    boolean allows(final DirectBuffer key, final int offset, final int length)
    {
        if (permits(key, offset, length))
        {
            return true;
        }
        keysRefused.incrementRelease();
        return false;
    }

    /**
     * As {@link #allows} without counting a refusal: for a pooled run's worker, which must not write the
     * agent's counters (they have one writer); the agent counts what the run reports.
     *
     * @return true if the key may be read or written by the function entered.
     */
    boolean permits(final DirectBuffer key, final int offset, final int length)
    {
        if (0 == prefixLength)
        {
            return true;
        }
        if (length > prefixLength)
        {
            boolean same = true;
            for (int i = 0; i < prefixLength && same; i++)
            {
                same = key.getByte(offset + i) == prefix.getByte(i);
            }
            return same;
        }
        return false;
    }
}
