package io.droplet.node;

import org.agrona.concurrent.Agent;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * A test hook, off unless the {@value #FILE_PROP_NAME} system property names a file: an agent run with the
 * roles that, once that file exists, throws from its duty cycle what the file says ({@code oom}: an
 * {@link OutOfMemoryError}, {@code stack}: a {@link StackOverflowError}, anything else: an
 * {@link IllegalStateException}). Tests use it to prove that a node whose duty cycle fails stops and says why,
 * when no bound can be driven past any more to fail it for real. It looks for the file every 100 ms, so it
 * costs a node that enables it one clock read per duty cycle, and a node that does not, nothing.
 * <p>
 * <b>Note:</b> runs on the roles' duty cycle thread.
 */
final class InjectedFailure implements Agent
{
    /** Names the file whose appearance makes a duty cycle fail. Tests only. */
    static final String FILE_PROP_NAME = "droplet.test.inject.failure.file";

    private static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final File trigger;
    private long nextCheckNs = System.nanoTime();

    private InjectedFailure(final File trigger)
    {
        this.trigger = trigger;
    }

    /**
     * @return the hook if {@value #FILE_PROP_NAME} is set, else null.
     */
    static InjectedFailure fromSystemProperty()
    {
        final String file = System.getProperty(FILE_PROP_NAME);
        return null == file || file.isEmpty() ? null : new InjectedFailure(new File(file));
    }

    public int doWork() throws Exception
    {
        final long nowNs = System.nanoTime();
        if (nowNs - nextCheckNs < 0)
        {
            return 0;
        }
        nextCheckNs = nowNs + CHECK_INTERVAL_NS;
        if (!trigger.exists())
        {
            return 0;
        }
        final String kind = new String(Files.readAllBytes(trigger.toPath()), StandardCharsets.US_ASCII).trim();
        switch (kind)
        {
            case "oom":
                throw new OutOfMemoryError("injected by " + FILE_PROP_NAME);
            case "stack":
                throw new StackOverflowError("injected by " + FILE_PROP_NAME);
            default:
                throw new IllegalStateException("injected by " + FILE_PROP_NAME);
        }
    }

    public String roleName()
    {
        return "injected-failure";
    }
}
