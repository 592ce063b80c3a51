package io.droplet.codecs.value;

import java.util.Objects;

/**
 * A reference to a key in the lattice KVS, passed as a function argument. The executor resolves it
 * through its host cache before the function runs, so the function sees the value, not the key.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param key the referenced key.
 */
public record Reference(String key)
{
    /**
     * @param key the referenced key, not null.
     */
    public Reference
    {
        Objects.requireNonNull(key, "key");
    }

    /**
     * @param key the referenced key.
     * @return a reference to it.
     */
    public static Reference of(final String key)
    {
        return new Reference(key);
    }
}
