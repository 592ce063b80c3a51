package io.droplet.transport;

import io.droplet.test.SystemTestWatcher;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ErrorLogFileTest
{
    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();

    @Test
    void recordsDistinctErrorsWithCountsReadableFromTheFile()
    {
        final File file = new File(watcher.dataDirectory("errors"), "errors.dat");
        final List<Throwable> overflow = new ArrayList<>();
        try (ErrorLogFile log = ErrorLogFile.create(file, 64 * 1024, SystemEpochClock.INSTANCE, overflow::add))
        {
            final IllegalStateException repeated = new IllegalStateException("same failure");
            for (int i = 0; i < 1000; i++)
            {
                log.onError(repeated);
            }
            log.onError(new IllegalArgumentException("other failure"));
        }

        final List<String> entries = new ArrayList<>();
        final List<Integer> counts = new ArrayList<>();
        final int distinct = ErrorLogFile.read(file, (count, first, last, text) ->
        {
            counts.add(count);
            entries.add(text);
        });

        assertEquals(2, distinct);
        assertTrue(entries.get(0).contains("same failure"), entries.get(0));
        assertEquals(1000, counts.get(0));
        assertTrue(entries.get(1).contains("other failure"), entries.get(1));
        assertEquals(0, overflow.size());
    }

    @Test
    void errorsOfOneKindAreOneEntryWhateverTheirMessagesSay()
    {
        final File file = new File(watcher.dataDirectory("errors"), "errors.dat");
        final List<Throwable> overflow = new ArrayList<>();
        try (ErrorLogFile log = ErrorLogFile.create(file, 64 * 1024, SystemEpochClock.INSTANCE, overflow::add))
        {
            // As a reader past the end of a frame says where: a new message per frame, the same failure.
            for (int position = 0; position < 10_000; position++)
            {
                log.onError(outOfBounds(position));
            }
            assertEquals(0, log.droppedErrors());
        }

        final List<Integer> counts = new ArrayList<>();
        final List<String> entries = new ArrayList<>();
        assertEquals(1, ErrorLogFile.read(file, (count, first, last, text) ->
        {
            counts.add(count);
            entries.add(text);
        }));
        assertEquals(10_000, counts.get(0));
        assertTrue(entries.get(0).contains("index 0 past the end"), "the first one's message: " + entries.get(0));
        assertEquals(0, overflow.size());
    }

    @Test
    void aFullLogDropsAndCountsAndTellsTheFallbackAtMostOncePerInterval()
    {
        final File file = new File(watcher.dataDirectory("errors"), "errors.dat");
        final List<Throwable> overflow = new ArrayList<>();
        final long[] nowMs = { 1_000_000 };
        try (ErrorLogFile log = ErrorLogFile.create(file, 16 * 1024, () -> nowMs[0], overflow::add))
        {
            // Distinct kinds (each its own stack) until the log is full, then thousands more.
            for (int kind = 0; kind < 5_000; kind++)
            {
                log.onError(ofKind(kind));
            }
            assertTrue(log.droppedErrors() > 4_000, "dropped " + log.droppedErrors());
            assertEquals(1, overflow.size(), "one within the interval, not one per error");

            nowMs[0] += ErrorLogFile.FALLBACK_INTERVAL_MS - 1;
            log.onError(ofKind(5_001));
            assertEquals(1, overflow.size());
            nowMs[0] += 1;
            log.onError(ofKind(5_002));
            assertEquals(2, overflow.size(), "the next interval may hear of one");
        }
    }

    private static IndexOutOfBoundsException outOfBounds(final int position)
    {
        return new IndexOutOfBoundsException("index " + position + " past the end");
    }

    private static IllegalStateException ofKind(final int kind)
    {
        final IllegalStateException error = new IllegalStateException("failure of kind " + kind);
        error.setStackTrace(new StackTraceElement[]{ new StackTraceElement("io.example.Kinds", "kind" + kind, "Kinds.java", kind) });
        return error;
    }
}
