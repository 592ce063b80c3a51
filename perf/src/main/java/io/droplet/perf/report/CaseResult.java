package io.droplet.perf.report;

import org.HdrHistogram.Histogram;

import java.util.Objects;

/**
 * One measured case of the end-to-end comparison: which system ran which case in which load mode,
 * with what latency and throughput.
 * <p>
 * <b>Note:</b> the histogram is mutable and not thread-safe: stop recording into it before the result
 * is handed to a {@link PerfReport}.
 *
 * @param system              that ran the case: "droplet", "aeron-floor", "grpc", "hazelcast", "dask", ...
 * @param caseName            what was run: "dag2", "call1", "chain5", "fan-1-4-1", "dag2-udp", ...
 * @param mode                how load was offered: "1 in flight", "fixed 50000/s (CO-corrected)", ...
 * @param latencyNs           latencies in nanoseconds; empty for a throughput-only case.
 * @param throughputPerSecond operations completed per second; 0 or less if not measured.
 * @param note                anything a reader must know about the row; empty if none (null becomes empty).
 */
public record CaseResult(
    String system, String caseName, String mode, Histogram latencyNs, double throughputPerSecond, String note)
{
    /**
     * Checks the identifying parts are present.
     */
    public CaseResult
    {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(caseName, "caseName");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(latencyNs, "latencyNs");
        note = null == note ? "" : note;
    }

    /**
     * @return true if there are latencies to show (a throughput-only row has none).
     */
    public boolean hasLatency()
    {
        return latencyNs.getTotalCount() > 0;
    }

    /**
     * @return "system case mode", the row's name in plots.
     */
    public String label()
    {
        return system + " " + caseName + " " + mode;
    }
}
