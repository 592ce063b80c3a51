package io.droplet.api;

import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueWriter;

/**
 * The state of one activation of a {@link KeyedFunction}: its key and one value, loaded from the KVS when the
 * activation is made and written back after each call that {@link #write() writes} it.
 * <p>
 * <b>Note:</b> valid only during {@link KeyedFunction#apply}, on the thread that runs the call.
 */
public interface KeyedState
{
    /**
     * @return the activation's key.
     */
    String key();

    /**
     * @return true if no call of this key ever wrote a state (nothing stored under its state key).
     */
    boolean isEmpty();

    /**
     * @return a reader positioned on the state value as the call found it (a null value if {@link #isEmpty()}).
     */
    ValueReader read();

    /**
     * Replaces the state: write exactly one value. The new value is what the next call reads, and is stored
     * in the KVS before this call's result goes to its caller; if the call fails it is discarded.
     *
     * @return a writer for the new state value.
     */
    ValueWriter write();
}
