package io.droplet.transport.security;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Names in a namespace: a function, DAG or key of namespace {@code team-a} is named {@code team-a/...}
 * on the wire. Clients add the prefix for their users; nodes check it on every name a client's request
 * carries, so what belongs to one namespace can be neither read, written, called, listed nor deleted
 * from another.
 * <p>
 * <b>Note:</b> stateless; thread-safe.
 */
public final class Namespaces
{
    /** Separates a namespace from the rest of a name. */
    public static final char SEPARATOR = '/';

    /** What a namespace may look like. */
    public static final String RULE = "1-64 characters of a-z, 0-9, '-', '_' or '.'";

    private Namespaces()
    {
    }

    /**
     * @param namespace to check.
     * @return true if it follows {@link #RULE}.
     */
    public static boolean isValid(final String namespace)
    {
        if (null == namespace || namespace.isEmpty() || namespace.length() > 64)
        {
            return false;
        }
        for (int i = 0; i < namespace.length(); i++)
        {
            final char c = namespace.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param namespace a valid namespace.
     * @return the bytes every name of the namespace starts with.
     */
    public static byte[] prefix(final String namespace)
    {
        return (namespace + SEPARATOR).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param prefix of a namespace.
     * @param buffer holding a name.
     * @param offset of the name's first byte.
     * @param length of the name.
     * @return true if the name is in the namespace (and names something after the prefix).
     */
    public static boolean owns(final byte[] prefix, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length <= prefix.length)
        {
            return false;
        }
        for (int i = 0; i < prefix.length; i++)
        {
            if (buffer.getByte(offset + i) != prefix[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param name a qualified name.
     * @return the namespace it is in, or null if it names none.
     */
    public static String namespaceOf(final String name)
    {
        final int separator = name.indexOf(SEPARATOR);
        return separator > 0 ? name.substring(0, separator) : null;
    }
}
