package io.droplet.executors;

/**
 * Why a call of a process function failed in the process rather than in the program's own logic (a program's
 * {@code {"error": ...}} reply is not one of these). Its message starts with the function's name and the
 * {@link Reason}, e.g. {@code process function 'resize' EXITED: ...}, which is what the caller reads in its
 * EXECUTION_ERROR; every reason but {@link Reason#NO_PROCESS} and {@link Reason#START_FAILED} means the
 * process that served the call was killed and replaced.
 * <p>
 * <b>Note:</b> immutable, thread-safe.
 */
final class ProcessFunctionException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * What went wrong.
     */
    enum Reason
    {
        /** The program could not be started (not found, not executable). */
        START_FAILED,
        /** The process exited, or closed its standard output, before answering. */
        EXITED,
        /** The process did not answer by the call's deadline (or the process timeout, for a call without one). */
        NO_ANSWER,
        /** The process wrote a line that is not a JSON object with "result" or "error", or wrote without being asked. */
        MALFORMED_REPLY,
        /** The call was cancelled (its worker interrupted, or its invocation cancelled) while the process worked. */
        CANCELLED,
        /** Every process of the function stayed busy until the call's deadline. */
        NO_PROCESS,
        /** The function was deleted or replaced, or its executor closed, while the call ran. */
        CLOSED
    }

    private final Reason reason;
    private final boolean delivered;

    /**
     * @param function name of the process function.
     * @param reason   what went wrong.
     * @param detail   what happened, for a person.
     */
    ProcessFunctionException(final String function, final Reason reason, final String detail)
    {
        this(function, reason, detail, true);
    }

    /**
     * @param function  name of the process function.
     * @param reason    what went wrong.
     * @param detail    what happened, for a person.
     * @param delivered false if the process certainly never saw the request (its input was closed before it).
     */
    ProcessFunctionException(final String function, final Reason reason, final String detail, final boolean delivered)
    {
        super("process function '" + function + "' " + reason + ": " + detail);
        this.reason = reason;
        this.delivered = delivered;
    }

    /**
     * @return what went wrong.
     */
    Reason reason()
    {
        return reason;
    }

    /**
     * @return false if the process certainly never saw the request, so it may be sent to another process.
     */
    boolean delivered()
    {
        return delivered;
    }
}
