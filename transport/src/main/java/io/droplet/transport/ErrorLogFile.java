package io.droplet.transport;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.ErrorConsumer;
import org.agrona.concurrent.errors.ErrorLogReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A distinct error log in a memory-mapped file: each distinct error is recorded once with a count and
 * first/last times, so a storm of one failure cannot flood it. Another process reads it with
 * {@link #read(File, ErrorConsumer)} while this one runs.
 * <p>
 * Errors are distinct by kind: their types and stacks, through their causes, not their messages. A message
 * often holds what differs per occurrence (a position in a frame, an id), so keyed by message one bad input
 * repeated would be a new entry each time and fill the log; keyed by kind it is one entry whose count
 * grows, showing the first occurrence's message. At most {@link #MAX_KINDS} kinds are remembered; errors of
 * further kinds are logged as Agrona's log tells them apart.
 * <p>
 * When the log is full, an error is dropped and counted ({@link #droppedErrors()}); the fallback hears of at
 * most one per {@link #FALLBACK_INTERVAL_MS}, so a storm of errors never floods it (standard error, say).
 * <p>
 * <b>Note:</b> {@link #onError(Throwable)} is thread-safe (the log is lock-free); opening and closing
 * are not.
 */
public final class ErrorLogFile implements ErrorHandler, AutoCloseable
{
    /** Kinds of error remembered, for keying by kind. */
    public static final int MAX_KINDS = 1024;
    /** Least time between two errors passed to the fallback once the log is full, in ms. */
    public static final long FALLBACK_INTERVAL_MS = 1000;
    /** Causes looked at when telling kinds apart. */
    private static final int MAX_CAUSE_DEPTH = 8;

    private final File file;
    private final MappedByteBuffer mapped;
    private final DistinctErrorLog log;
    private final ErrorHandler fallback;
    private final EpochClock clock;
    private final ConcurrentHashMap<Long, Throwable> firstOfKind = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong nextFallbackMs = new AtomicLong(0);

    private ErrorLogFile(final File file, final int length, final EpochClock clock, final ErrorHandler fallback)
    {
        this.file = file;
        this.fallback = fallback;
        this.clock = clock;
        IoUtil.ensureDirectoryExists(file.getParentFile(), "error log directory");
        IoUtil.deleteIfExists(file);
        this.mapped = IoUtil.mapNewFile(file, length);
        this.log = new DistinctErrorLog(new UnsafeBuffer(mapped), clock);
    }

    /**
     * Creates (or replaces) an error log file.
     *
     * @param file     to create.
     * @param length   capacity in bytes.
     * @param clock    for the times of each error.
     * @param fallback where an error goes when the log is full; may be null.
     * @return the open log.
     */
    public static ErrorLogFile create(
        final File file, final int length, final EpochClock clock, final ErrorHandler fallback)
    {
        return new ErrorLogFile(file, length, clock, fallback);
    }

    /**
     * @return the file backing the log.
     */
    public File file()
    {
        return file;
    }

    /**
     * Records an error under its kind; if the log is full, drops and counts it, and passes it to the fallback
     * if none was in the last {@link #FALLBACK_INTERVAL_MS}.
     *
     * @param throwable the error.
     */
    public void onError(final Throwable throwable)
    {
        if (log.record(representative(throwable)))
        {
            return;
        }
        dropped.incrementAndGet();
        final long nowMs = clock.time();
        final long nextMs = nextFallbackMs.get();
        if (null != fallback && nowMs - nextMs >= 0 && nextFallbackMs.compareAndSet(nextMs, nowMs + FALLBACK_INTERVAL_MS))
        {
            fallback.onError(throwable);
        }
    }

    /**
     * @return errors dropped because the log was full.
     */
    public long droppedErrors()
    {
        return dropped.get();
    }

    /**
     * @return the first error of the same kind as {@code throwable} (its instance, so the log counts it as the
     * same), or {@code throwable} if it is the first of its kind or no more kinds are remembered.
     */
    private Throwable representative(final Throwable throwable)
    {
        final long kind = kindOf(throwable);
        final Throwable first = firstOfKind.get(kind);
        if (null != first)
        {
            return first;
        }
        if (firstOfKind.size() >= MAX_KINDS)
        {
            return throwable;
        }
        final Throwable raced = firstOfKind.putIfAbsent(kind, throwable);
        return null != raced ? raced : throwable;
    }

    /**
     * @return a hash of the types and stack frames of an error and its causes, not their messages.
     */
    static long kindOf(final Throwable throwable)
    {
        long hash = 0xCBF29CE484222325L;
        Throwable cause = throwable;
        for (int depth = 0; null != cause && depth < MAX_CAUSE_DEPTH; depth++)
        {
            hash = mix(hash, cause.getClass().getName().hashCode());
            for (final StackTraceElement frame : cause.getStackTrace())
            {
                hash = mix(hash, frame.getClassName().hashCode());
                hash = mix(hash, frame.getMethodName().hashCode());
                hash = mix(hash, frame.getLineNumber());
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return hash;
    }

    private static long mix(final long hash, final int value)
    {
        return (hash ^ value) * 0x100000001B3L;
    }

    /**
     * Reads every distinct error from a log file, written by this process or another.
     *
     * @param file     of the log.
     * @param consumer of each distinct error.
     * @return the number of distinct errors read.
     */
    public static int read(final File file, final ErrorConsumer consumer)
    {
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, "error log");
        try
        {
            final AtomicBuffer buffer = new UnsafeBuffer(mapped);
            return ErrorLogReader.read(buffer, consumer);
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    /**
     * Unmaps the file; the file stays for readers.
     */
    public void close()
    {
        CloseHelper.quietClose(() -> IoUtil.unmap(mapped));
    }
}
