package io.droplet.api;

/**
 * An edge of a DAG: the output of function {@code from} feeds function {@code to}.
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 *
 * @param from parent function's name.
 * @param to   child function's name.
 */
public record Connection(String from, String to)
{
    /**
     * @param from parent function's name.
     * @param to   child function's name.
     * @return the edge.
     */
    public static Connection of(final String from, final String to)
    {
        return new Connection(from, to);
    }
}
