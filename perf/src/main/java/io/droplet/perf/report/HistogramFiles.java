package io.droplet.perf.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a result's histogram where HdrHistogram's own tools read it: an interval log
 * ({@code .hlog}, for {@code HistogramLogProcessor} and the online plotters) and its percentile
 * distribution in microseconds ({@code .percentiles.txt}).
 * <p>
 * <b>Note:</b> stateless; the static methods are thread-safe for distinct files.
 */
final class HistogramFiles
{
    /** Values are nanoseconds: the percentile file shows microseconds, the log's max column milliseconds. */
    private static final double NS_PER_US = 1_000.0;
    private static final double NS_PER_MS = 1_000_000.0;

    private HistogramFiles()
    {
    }

    /**
     * @param result a row.
     * @return {@code <system>-<case>-<mode>} made safe for a file name, without an extension.
     */
    static String baseName(final CaseResult result)
    {
        return slug(result.system()) + "-" + slug(result.caseName()) + "-" + slug(result.mode());
    }

    /**
     * Writes {@code <baseName>.hlog} and {@code <baseName>.percentiles.txt}.
     *
     * @param histogram of latencies in nanoseconds.
     * @param directory to write into; must exist.
     * @param baseName  of the files.
     * @throws IOException if a file cannot be written.
     */
    static void write(final Histogram histogram, final Path directory, final String baseName) throws IOException
    {
        final Path log = directory.resolve(baseName + ".hlog");
        try
        {
            final HistogramLogWriter writer = new HistogramLogWriter(log.toFile());
            try
            {
                // Whole-run histograms carry no interval: a recorder's time stamps are used when present.
                final double startSec = histogram.getStartTimeStamp() / 1_000.0;
                final double endSec = Math.max(startSec, histogram.getEndTimeStamp() / 1_000.0);
                writer.outputLogFormatVersion();
                writer.outputComment("droplet perf: " + baseName + ", values in nanoseconds");
                writer.outputLegend();
                writer.outputIntervalHistogram(startSec, endSec, histogram, NS_PER_MS);
            }
            finally
            {
                writer.close();
            }
        }
        catch (final FileNotFoundException ex)
        {
            throw new IOException("cannot write " + log, ex);
        }

        final Path percentiles = directory.resolve(baseName + ".percentiles.txt");
        try (PrintStream out = new PrintStream(percentiles.toFile(), StandardCharsets.UTF_8))
        {
            histogram.outputPercentileDistribution(out, NS_PER_US);
            if (out.checkError())
            {
                throw new IOException("cannot write " + percentiles);
            }
        }
    }

    /**
     * @param text any.
     * @return lower case letters, digits and single dashes only: "fixed 50000/s (CO-corrected)"
     * becomes "fixed-50000-s-co-corrected".
     */
    static String slug(final String text)
    {
        final String slug = text.toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-+|-+$", "");
        return slug.isEmpty() ? "x" : slug;
    }
}
