package io.droplet.perf.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest
{
    private static final byte[] PNG_SIGNATURE = {(byte)0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final String MODE = "1 in flight";

    @TempDir
    Path dir;

    private static Histogram histogram(final long from, final long to, final long step)
    {
        final Histogram histogram = new Histogram(1, TimeUnit.MINUTES.toNanos(1), 3);
        for (long value = from; value <= to; value += step)
        {
            histogram.recordValue(value);
        }
        return histogram;
    }

    private static String[] cells(final String row)
    {
        final String trimmed = row.trim();
        return Arrays.stream(trimmed.substring(1, trimmed.length() - 1).split("\\|")).map(String::trim)
            .toArray(String[]::new);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void writesTableHistogramLogsAndPlots() throws Exception
    {
        final Histogram droplet = histogram(1_000, 100_000, 10);
        final Histogram grpc = histogram(30_000, 3_000_000, 300);
        final PerfReport report = new PerfReport()
            .add(new CaseResult("droplet", "dag2", MODE, droplet, 250_000.0, ""))
            .add(new CaseResult("grpc", "dag2", MODE, grpc, 8_000.0, "two Netty servers"));

        final Path out = dir.resolve("target").resolve("perf");
        final String markdown = report.write(out);

        assertEquals(markdown, Files.readString(out.resolve(PerfReport.RESULTS_FILE)));
        final List<String> lines = markdown.lines().toList();
        assertTrue(lines.get(0).startsWith("Machine: " + Runtime.getRuntime().availableProcessors() + " cores"), lines.get(0));
        final int header = lines.indexOf(
            "| system | case | mode | p50 us | p90 us | p99 us | p99.9 us | max us | throughput /s | p50 vs droplet |");
        assertTrue(header > 0, markdown);
        final List<String> rows = lines.subList(header + 2, lines.size()).stream()
            .takeWhile(line -> line.startsWith("|")).toList();
        assertEquals(2, rows.size(), markdown);

        final String[] dropletRow = cells(rows.get(0));
        assertEquals("droplet", dropletRow[0]);
        assertEquals("dag2", dropletRow[1]);
        assertEquals(MODE, dropletRow[2]);
        assertEquals(String.format(Locale.ROOT, "%,.2f", droplet.getValueAtPercentile(50) / 1000.0), dropletRow[3]);
        assertEquals("250,000", dropletRow[8]);
        assertEquals("1.0x", dropletRow[9]);

        final String[] grpcRow = cells(rows.get(1));
        assertEquals("grpc", grpcRow[0]);
        assertEquals(String.format(Locale.ROOT, "%,.2f", grpc.getMaxValue() / 1000.0), grpcRow[7]);
        final double ratio = grpc.getValueAtPercentile(50) / (double)droplet.getValueAtPercentile(50);
        assertEquals(String.format(Locale.ROOT, "%.0fx", ratio), grpcRow[9]);
        assertTrue(markdown.contains("grpc dag2 1 in flight: two Netty servers"), markdown);

        for (final String name : List.of("droplet-dag2-1-in-flight", "grpc-dag2-1-in-flight"))
        {
            final File log = out.resolve(name + ".hlog").toFile();
            final HistogramLogReader reader = new HistogramLogReader(log);
            final Histogram read = (Histogram)reader.nextIntervalHistogram();
            assertNotNull(read, name);
            assertEquals((name.startsWith("droplet") ? droplet : grpc).getTotalCount(), read.getTotalCount(), name);
            assertNull(reader.nextIntervalHistogram(), name);
            assertTrue(Files.readString(out.resolve(name + ".percentiles.txt")).contains("#[Mean"), name);
        }

        for (final String plot : List.of(PerfReport.PLOT_FILE, "latency-dag2.png"))
        {
            final byte[] png = Files.readAllBytes(out.resolve(plot));
            assertTrue(png.length > 1024, plot + ": " + png.length + " bytes");
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length), plot);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void comparesOnlyWithDropletOfTheSameCaseAndMode()
    {
        final Histogram droplet = histogram(1_000, 2_000, 1);
        final Histogram other = histogram(2_000, 4_000, 1);
        final CaseResult base = new CaseResult("droplet", "dag2", MODE, droplet, 0, null);
        final CaseResult sameCase = new CaseResult("hazelcast", "dag2", MODE, other, 0, null);
        final CaseResult otherMode = new CaseResult("hazelcast", "dag2", "fixed 50000/s (CO-corrected)", other, 0, null);
        final CaseResult throughputOnly = new CaseResult("hazelcast", "dag2", MODE, new Histogram(3), 1e6, null);
        final List<CaseResult> all = List.of(base, sameCase, otherMode, throughputOnly);

        assertEquals("1.0x", ResultsTable.ratioToBaseline(base, all));
        assertEquals(ResultsTable.ratio(other.getValueAtPercentile(50) / (double)droplet.getValueAtPercentile(50)),
            ResultsTable.ratioToBaseline(sameCase, all));
        assertEquals("-", ResultsTable.ratioToBaseline(otherMode, all));
        assertEquals("-", ResultsTable.ratioToBaseline(throughputOnly, all));

        final String markdown = ResultsTable.render(all, java.time.ZonedDateTime.now());
        assertTrue(markdown.contains("| hazelcast | dag2 | 1 in flight | - | - | - | - | - | 1,000,000 | - |"), markdown);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void writesSectionsAfterTheTableAndItsNotes() throws Exception
    {
        final String section = "Pool:\n\n| workers | calls/s |\n|---:|---:|\n| 1 | 900 |";
        final PerfReport report = new PerfReport()
            .add(new CaseResult("droplet", "dag2", MODE, histogram(1_000, 2_000, 1), 0, "a note"))
            .addSection(section);

        final String markdown = report.write(dir);

        assertEquals(markdown, Files.readString(dir.resolve(PerfReport.RESULTS_FILE)));
        assertTrue(markdown.endsWith("\n\n" + section + "\n"), markdown);
        assertTrue(markdown.indexOf("- droplet dag2 1 in flight: a note") < markdown.indexOf(section), markdown);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void formatsRatiosAndNames()
    {
        assertEquals("3.2x", ResultsTable.ratio(3.21));
        assertEquals("1,450x", ResultsTable.ratio(1450.2));
        assertEquals("fixed-50000-s-co-corrected", HistogramFiles.slug("fixed 50000/s (CO-corrected)"));
        assertEquals("max-256-in-flight", HistogramFiles.slug("max, 256 in flight"));
        assertEquals("90%", PercentilePlot.percentileLabel(1.0));
        assertEquals("99.99%", PercentilePlot.percentileLabel(4.0));
    }
}
