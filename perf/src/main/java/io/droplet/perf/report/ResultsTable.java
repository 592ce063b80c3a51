package io.droplet.perf.report;

import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Renders results as Markdown: a line describing the machine and the date, then one table row per
 * result in microseconds, with each row's p50 as a multiple of Droplet's p50 for the same case and mode.
 * <p>
 * <b>Note:</b> stateless; the static methods are thread-safe.
 */
final class ResultsTable
{
    /** The system every other is compared with. */
    static final String BASELINE_SYSTEM = "droplet";

    private static final double NS_PER_US = 1_000.0;
    private static final String NONE = "-";

    private ResultsTable()
    {
    }

    /**
     * @param results rows, in order.
     * @param now     date of the run, for the header.
     * @return the Markdown, ending with a newline.
     */
    static String render(final List<CaseResult> results, final ZonedDateTime now)
    {
        final StringBuilder md = new StringBuilder(256 + 160 * results.size());
        md.append("Machine: ").append(machine()).append("; ")
            .append(now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT))).append("\n\n");
        md.append("| system | case | mode | p50 us | p90 us | p99 us | p99.9 us | max us | throughput /s | p50 vs droplet |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final CaseResult result : results)
        {
            final Histogram h = result.latencyNs();
            md.append("| ").append(cell(result.system()))
                .append(" | ").append(cell(result.caseName()))
                .append(" | ").append(cell(result.mode()))
                .append(" | ").append(percentile(result, 50.0))
                .append(" | ").append(percentile(result, 90.0))
                .append(" | ").append(percentile(result, 99.0))
                .append(" | ").append(percentile(result, 99.9))
                .append(" | ").append(result.hasLatency() ? micros(h.getMaxValue()) : NONE)
                .append(" | ").append(throughput(result.throughputPerSecond()))
                .append(" | ").append(ratioToBaseline(result, results))
                .append(" |\n");
        }

        boolean notesHeader = false;
        for (final CaseResult result : results)
        {
            if (!result.note().isEmpty())
            {
                if (!notesHeader)
                {
                    md.append("\nNotes:\n\n");
                    notesHeader = true;
                }
                md.append("- ").append(result.label()).append(": ").append(result.note()).append('\n');
            }
        }
        return md.toString();
    }

    /**
     * @return cores, physical memory, OS and Java of this machine, in one line.
     */
    static String machine()
    {
        final Runtime runtime = Runtime.getRuntime();
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        // The physical size needs the JDK's extension of the bean; a JVM without it reports heap only.
        final String memory = os instanceof com.sun.management.OperatingSystemMXBean ?
            gib(((com.sun.management.OperatingSystemMXBean)os).getTotalMemorySize()) + " memory, " : "";
        return String.format(Locale.ROOT, "%d cores, %s%s heap max, %s/%s, Java %s (%s)",
            runtime.availableProcessors(),
            memory,
            gib(runtime.maxMemory()),
            System.getProperty("os.name"),
            System.getProperty("os.arch"),
            System.getProperty("java.version"),
            System.getProperty("java.vm.name"));
    }

    /**
     * @param result  a row.
     * @param results all rows, to find the baseline in.
     * @return the row's p50 over the baseline's p50 for the same case and mode, or "-" if there is none.
     */
    static String ratioToBaseline(final CaseResult result, final List<CaseResult> results)
    {
        if (BASELINE_SYSTEM.equals(result.system()))
        {
            return "1.0x";
        }
        if (!result.hasLatency())
        {
            return NONE;
        }
        for (final CaseResult candidate : results)
        {
            if (BASELINE_SYSTEM.equals(candidate.system()) &&
                candidate.caseName().equals(result.caseName()) &&
                candidate.mode().equals(result.mode()) &&
                candidate.hasLatency())
            {
                final long baseline = candidate.latencyNs().getValueAtPercentile(50.0);
                return baseline > 0 ? ratio(result.latencyNs().getValueAtPercentile(50.0) / (double)baseline) : NONE;
            }
        }
        return NONE;
    }

    /**
     * @param ratio of two latencies.
     * @return one decimal below 10 ("3.2x"), whole numbers with thousands separators above ("1,450x").
     */
    static String ratio(final double ratio)
    {
        return String.format(Locale.ROOT, ratio < 10.0 ? "%.1fx" : "%,.0fx", ratio);
    }

    private static String percentile(final CaseResult result, final double percentile)
    {
        return result.hasLatency() ? micros(result.latencyNs().getValueAtPercentile(percentile)) : NONE;
    }

    private static String micros(final long nanos)
    {
        return String.format(Locale.ROOT, "%,.2f", nanos / NS_PER_US);
    }

    private static String throughput(final double perSecond)
    {
        return perSecond > 0 ? String.format(Locale.ROOT, "%,d", Math.round(perSecond)) : NONE;
    }

    private static String gib(final long bytes)
    {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
    }

    private static String cell(final String text)
    {
        // A bar inside a cell would end it.
        return text.replace("|", "\\|");
    }
}
