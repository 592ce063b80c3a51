package io.droplet.api;

import io.droplet.codecs.sbe.ErrorCode;

/**
 * A call or registration that failed, with the typed reason (FUNCTION_NOT_FOUND, NO_SUCH_DAG,
 * DAG_ALREADY_EXISTS, NO_RESOURCES, EXECUTION_ERROR with the function's exception text, TIMEOUT,
 * UNAUTHORISED, PAYLOAD_TOO_LARGE, MALFORMED, ...).
 * <p>
 * <b>Note:</b> immutable and thread-safe.
 */
public final class DropletException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** The typed reason. */
    private final ErrorCode code;

    /**
     * @param code   the typed reason.
     * @param detail text for people.
     */
    public DropletException(final ErrorCode code, final String detail)
    {
        super(code + ": " + detail);
        this.code = code;
    }

    /**
     * @return the typed reason.
     */
    public ErrorCode code()
    {
        return code;
    }
}
