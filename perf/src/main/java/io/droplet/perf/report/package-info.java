/**
 * The end-to-end comparison's report: {@link io.droplet.perf.report.CaseResult} is one measured case
 * (a system, a case, a load mode, its latency histogram and throughput); {@link io.droplet.perf.report.PerfReport}
 * collects them and writes a Markdown table (p50 to max in microseconds, each p50 as a multiple of
 * Droplet's for the same case and mode), HdrHistogram interval logs and percentile files that
 * HdrHistogram's own tools read, and percentile plots in PNG.
 * <p>
 * Histograms hold nanoseconds, as {@code System.nanoTime()} differences are measured; everything shown
 * is in microseconds, the scale the systems compared here differ at. Plots use log scales on both axes
 * because the tail and a thousandfold spread between systems are the point of the comparison.
 */
package io.droplet.perf.report;
