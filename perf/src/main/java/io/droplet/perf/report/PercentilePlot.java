package io.droplet.perf.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Draws latency percentile distributions as HdrHistogram's plotter does: x is the percentile on a
 * log scale of {@code 1/(1-p)}, so 90%, 99%, 99.9%, ... are equally spaced and the tail gets as much
 * room as the median; y is latency in microseconds, on a log scale so that systems a thousand times
 * apart fit one plot. One series per result.
 * <p>
 * XChart draws x as the plain number {@code log10(1/(1-p))} with one tick per decade (0%, 90%, 99%, ...
 * once relabelled), because its logarithmic axis labels only powers of ten of {@code 1/(1-p)} and its
 * tick search is slow when pushed to finer steps. 50% sits between two ticks, so it gets a grid line
 * and a label of its own.
 * <p>
 * <b>Note:</b> stateless; the static methods are thread-safe for distinct files.
 */
final class PercentilePlot
{
    private static final int WIDTH = 1200;
    private static final int HEIGHT = 700;
    /** Roughly the plot area's width: the y axis, its labels and the margins take the rest. */
    private static final int PLOT_WIDTH_ESTIMATE = WIDTH - 120;
    private static final double NS_PER_US = 1_000.0;
    /** Points per halving of the distance to 100%, as {@code HistogramLogProcessor} uses. */
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final double MEDIAN_X = Math.log10(2.0);

    private PercentilePlot()
    {
    }

    /**
     * Writes one PNG with a series per result that has latencies.
     *
     * @param title   of the plot.
     * @param results to draw; throughput-only results are left out.
     * @param file    to write.
     * @throws IOException if the file cannot be written.
     */
    static void write(final String title, final List<CaseResult> results, final Path file) throws IOException
    {
        // Before the first AWT class loads: the harness runs on servers without a display.
        System.setProperty("java.awt.headless", "true");

        final XYChart chart = new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("percentile")
            .yAxisTitle("latency (us)")
            .theme(Styler.ChartTheme.Matlab)
            .build();

        final Set<String> names = new HashSet<>();
        double maxX = 1.0;
        double minY = Double.MAX_VALUE;
        double maxY = 0.0;
        for (final CaseResult result : results)
        {
            if (!result.hasLatency())
            {
                continue;
            }
            final Histogram histogram = result.latencyNs();
            final int points = countPoints(histogram);
            final double[] x = new double[points];
            final double[] y = new double[points];
            // The last point is 100%, infinitely far right on this scale: it is drawn at 1 - 1/count.
            final double lastX = Math.log10(Math.max(2, histogram.getTotalCount()));
            int i = 0;
            for (final HistogramIterationValue value : histogram.percentiles(TICKS_PER_HALF_DISTANCE))
            {
                final double p = value.getPercentileLevelIteratedTo() / 100.0;
                x[i] = p < 1.0 ? Math.min(lastX, Math.log10(1.0 / (1.0 - p))) : lastX;
                y[i] = Math.max(1, value.getValueIteratedTo()) / NS_PER_US;
                minY = Math.min(minY, y[i]);
                maxY = Math.max(maxY, y[i]);
                i++;
            }
            maxX = Math.max(maxX, lastX);
            final XYSeries series = chart.addSeries(uniqueName(result.label(), names), x, y);
            series.setMarker(SeriesMarkers.NONE);
        }

        final double xMax = Math.ceil(maxX);
        // Whole decades on y, so the label of 50% can sit just above the bottom edge.
        final double yMin = 0.0 == maxY ? 0.1 : Math.pow(10.0, Math.floor(Math.log10(minY)));
        final double yMax = 0.0 == maxY ? 1.0 : Math.pow(10.0, Math.ceil(Math.log10(maxY * 1.01)));
        chart.getStyler()
            .setXAxisMin(0.0)
            .setXAxisMax(xMax)
            // About 0.75 decade per tick hint: XChart rounds the step up to a whole decade.
            .setXAxisTickMarkSpacingHint((int)(0.75 * PLOT_WIDTH_ESTIMATE / xMax))
            .setYAxisLogarithmic(true)
            .setYAxisMin(yMin)
            .setYAxisMax(yMax)
            .setYAxisDecimalPattern("#,##0.###")
            .setLegendPosition(Styler.LegendPosition.InsideNW)
            .setChartBackgroundColor(Color.WHITE);
        final AxesChartStyler styler = chart.getStyler();
        styler.setAnnotationLineColor(Color.GRAY)
            .setAnnotationLineStroke(styler.getPlotGridLinesStroke())
            .setAnnotationTextFont(styler.getAxisTickLabelsFont())
            .setAnnotationTextFontColor(styler.getAxisTickLabelsColor());
        chart.setCustomXAxisTickLabelsFormatter(PercentilePlot::percentileLabel);
        chart.addAnnotation(new AnnotationLine(MEDIAN_X, true, false));
        chart.addAnnotation(new AnnotationText("50%", MEDIAN_X, yMin * Math.pow(yMax / yMin, 0.02), false));

        try (OutputStream out = Files.newOutputStream(file))
        {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /**
     * @param x {@code log10(1/(1-p))}.
     * @return p as a percentage, with as many decimals as it has nines past two: "90%", "99.9%".
     */
    static String percentileLabel(final Double x)
    {
        final double percent = 100.0 * (1.0 - Math.pow(10.0, -x));
        final int decimals = Math.min(12, Math.max(0, (int)Math.ceil(x - 2.0 - 1e-9)));
        return String.format(Locale.ROOT, "%." + decimals + "f%%", percent);
    }

    private static int countPoints(final Histogram histogram)
    {
        int count = 0;
        for (final HistogramIterationValue ignored : histogram.percentiles(TICKS_PER_HALF_DISTANCE))
        {
            count++;
        }
        return count;
    }

    private static String uniqueName(final String label, final Set<String> names)
    {
        // XChart refuses two series of one name; a repeated row keeps its place with a suffix.
        String name = label;
        for (int n = 2; !names.add(name); n++)
        {
            name = label + " #" + n;
        }
        return name;
    }
}
