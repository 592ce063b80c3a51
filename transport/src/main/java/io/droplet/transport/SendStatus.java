package io.droplet.transport;

/**
 * Outcomes of {@link MessagePublisher#claim} and {@link MessagePublisher#commit}: zero for success,
 * negative otherwise, like Aeron's own offer results. Returned, not thrown, on the data path.
 */
public final class SendStatus
{
    /** Sent, or claimed and ready to encode. */
    public static final int OK = 0;
    /** Back-pressure lasted past the deadline. */
    public static final int BACK_PRESSURED = -1;
    /** No subscriber connected by the deadline. */
    public static final int NOT_CONNECTED = -2;
    /** The publication is closed. */
    public static final int CLOSED = -3;
    /** The publication's stream position is exhausted. */
    public static final int MAX_POSITION_EXCEEDED = -4;
    /** The message is longer than the configured maximum. */
    public static final int PAYLOAD_TOO_LARGE = -5;
    /** No publisher for the destination: unknown node. */
    public static final int UNKNOWN_DESTINATION = -6;
    /** Too many requests in flight. */
    public static final int NO_RESOURCES = -7;

    private SendStatus()
    {
    }

    /**
     * @param status a send status.
     * @return its name, for diagnostics.
     */
    public static String name(final int status)
    {
        switch (status)
        {
            case OK:
                return "OK";
            case BACK_PRESSURED:
                return "BACK_PRESSURED";
            case NOT_CONNECTED:
                return "NOT_CONNECTED";
            case CLOSED:
                return "CLOSED";
            case MAX_POSITION_EXCEEDED:
                return "MAX_POSITION_EXCEEDED";
            case PAYLOAD_TOO_LARGE:
                return "PAYLOAD_TOO_LARGE";
            case UNKNOWN_DESTINATION:
                return "UNKNOWN_DESTINATION";
            case NO_RESOURCES:
                return "NO_RESOURCES";
            default:
                return "UNKNOWN(" + status + ")";
        }
    }
}
