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

/**
 * A distinct error log in a memory-mapped file: each distinct error (same type, message and stack)
 * is recorded once with a count and first/last times, so a storm of one failure cannot flood it.
 * Another process reads it with {@link #read(File, ErrorConsumer)} while this one runs.
 * <p>
 * <b>Note:</b> {@link #onError(Throwable)} is thread-safe (the log is lock-free); opening and closing
 * are not.
 */
public final class ErrorLogFile implements ErrorHandler, AutoCloseable
{
    private final File file;
    private final MappedByteBuffer mapped;
    private final DistinctErrorLog log;
    private final ErrorHandler fallback;

    private ErrorLogFile(final File file, final int length, final EpochClock clock, final ErrorHandler fallback)
    {
        this.file = file;
        this.fallback = fallback;
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
     * Records an error; if the log is full, passes it to the fallback.
     *
     * @param throwable the error.
     */
    public void onError(final Throwable throwable)
    {
        if (!log.record(throwable) && null != fallback)
        {
            fallback.onError(throwable);
        }
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
