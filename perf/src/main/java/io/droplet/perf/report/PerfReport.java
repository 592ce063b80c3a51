package io.droplet.perf.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The end-to-end comparison's report: collects {@link CaseResult}s in the order they were measured and
 * writes them into one directory as
 * <ul>
 *     <li>{@code results.md}: the machine, the date and one Markdown table row per result, latencies in
 *     microseconds, each p50 also as a multiple of Droplet's for the same case and mode, then any
 *     sections added (the pooled lane's throughput by pool size, say);</li>
 *     <li>{@code <system>-<case>-<mode>.hlog} and {@code .percentiles.txt} per result with latencies, so
 *     HdrHistogram's own tools ({@code HistogramLogProcessor}, the plotters) can read them;</li>
 *     <li>{@code latency.png} with every result's percentile distribution, and
 *     {@code latency-<case>.png} with those of one case.</li>
 * </ul>
 * <p>
 * <b>Note:</b> not thread-safe: add results and write from one thread (the harness's main thread).
 */
public final class PerfReport
{
    /** Name of the Markdown table file. */
    public static final String RESULTS_FILE = "results.md";
    /** Name of the plot of all results. */
    public static final String PLOT_FILE = "latency.png";

    private final List<CaseResult> results = new ArrayList<>();
    private final List<String> sections = new ArrayList<>();

    /**
     * Adds a row after those already added.
     *
     * @param result of one case.
     * @return this report.
     */
    public PerfReport add(final CaseResult result)
    {
        results.add(Objects.requireNonNull(result, "result"));
        return this;
    }

    /**
     * Adds a section of Markdown after the table and its notes (a table of its own, say), after those
     * already added.
     *
     * @param markdown of the section.
     * @return this report.
     */
    public PerfReport addSection(final String markdown)
    {
        sections.add(Objects.requireNonNull(markdown, "markdown"));
        return this;
    }

    /**
     * @return the results added so far, in order, unmodifiable.
     */
    public List<CaseResult> results()
    {
        return Collections.unmodifiableList(results);
    }

    /**
     * @return the Markdown of {@code results.md}, dated now.
     */
    public String toMarkdown()
    {
        final StringBuilder md = new StringBuilder(ResultsTable.render(results, ZonedDateTime.now(ZoneId.of("UTC"))));
        for (final String section : sections)
        {
            md.append('\n').append(section);
            if (!section.endsWith("\n"))
            {
                md.append('\n');
            }
        }
        return md.toString();
    }

    /**
     * Writes every file of the report, replacing files of the same names.
     *
     * @param directory to write into; created with its parents if missing.
     * @return the Markdown written to {@code results.md}, for printing.
     * @throws IOException if a file cannot be written.
     */
    public String write(final Path directory) throws IOException
    {
        Files.createDirectories(directory);
        final String markdown = toMarkdown();
        Files.writeString(directory.resolve(RESULTS_FILE), markdown, StandardCharsets.UTF_8);

        final Set<String> baseNames = new HashSet<>();
        final Map<String, List<CaseResult>> byCase = new LinkedHashMap<>();
        for (final CaseResult result : results)
        {
            if (result.hasLatency())
            {
                HistogramFiles.write(result.latencyNs(), directory, uniqueBaseName(result, baseNames));
                byCase.computeIfAbsent(result.caseName(), name -> new ArrayList<>()).add(result);
            }
        }

        if (!byCase.isEmpty())
        {
            PercentilePlot.write("latency percentiles", results, directory.resolve(PLOT_FILE));
        }
        for (final Map.Entry<String, List<CaseResult>> entry : byCase.entrySet())
        {
            PercentilePlot.write(
                "latency percentiles: " + entry.getKey(),
                entry.getValue(),
                directory.resolve("latency-" + HistogramFiles.slug(entry.getKey()) + ".png"));
        }
        return markdown;
    }

    private static String uniqueBaseName(final CaseResult result, final Set<String> baseNames)
    {
        // Two rows whose names differ only in punctuation would overwrite each other's files.
        final String baseName = HistogramFiles.baseName(result);
        String name = baseName;
        for (int n = 2; !baseNames.add(name); n++)
        {
            name = baseName + "-" + n;
        }
        return name;
    }
}
