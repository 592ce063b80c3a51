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
}
