package io.droplet.soak;

import io.droplet.api.Connection;
import io.droplet.client.DropletClient;
import io.droplet.api.DropletException;
import io.droplet.client.RemoteContext;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.soak.functions.Increment;
import io.droplet.soak.functions.Stamp;
import io.droplet.soak.functions.Square;
import io.droplet.api.lattice.MaxLattice;
import io.droplet.test.Await;
import io.droplet.test.SystemTestWatcher;
import io.droplet.transport.Endpoint;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SOAK: a mixed load (DAG calls, single calls, puts, gets) at a fixed offered rate for
 * {@code -Dsoak.duration} (default one minute here; {@code PT30M} or more for the record) over two hosts
 * on loopback whose drivers drop 1% of UDP data and control frames, with an executor process killed with
 * SIGKILL and restarted every {@code -Dsoak.kill.period} in the middle of the run. Every interval it
 * prints throughput, latency percentiles, outcomes, and the resources of the core node and of this JVM.
 * It checks lost = 0 and unexpected = 0; that heap after GC, RSS, file descriptors and threads stay flat
 * (growth bounded, and under 1 MB per hour for runs of 30 minutes or more, measured over the second half of
 * the run, once the JIT has warmed up; shorter runs from a quarter in); and that the p99 of the last interval is within 1.2x of
 * the first for runs of ten minutes or more (3x for the short run, whose ten-second intervals make p99 a
 * handful of samples). The intervals compared are the first and last sixth of the run (5 minutes of a
 * 30-minute run: one minute's p99 under 1% loss moves by a third from minute to minute), neither has a
 * kill in it, and the first interval of load before them is a warm-up.
 */
class SoakTest
{
    private static final Duration DURATION = Duration.parse(System.getProperty("soak.duration", "PT60S"));
    private static final Duration INTERVAL = Duration.parse(System.getProperty("soak.interval",
        DURATION.compareTo(Duration.ofMinutes(10)) >= 0 ? "PT60S" : "PT10S"));
    private static final Duration KILL_PERIOD = Duration.parse(System.getProperty("soak.kill.period",
        DURATION.compareTo(Duration.ofMinutes(10)) >= 0 ? "PT120S" : "PT15S"));
    private static final int RATE = Integer.getInteger("soak.rate", 1_000);
    /**
     * Intervals the p99 comparison takes at each end of the run: a sixth of the run (5 minutes of a 30-minute
     * run), so that each p99 rests on enough samples to be a property of the system, not of a few unlucky
     * retransmissions or scheduler wake-ups on a shared machine. No kill falls in either window.
     */
    private static final int COMPARE_INTERVALS = (int)Math.max(1, DURATION.toNanos() / 6 / INTERVAL.toNanos());
    private static final int KEYS = 4_096;

    @RegisterExtension
    final SystemTestWatcher watcher = new SystemTestWatcher();
    private static File gcLog;

    @Test
    @Timeout(value = 6, unit = TimeUnit.HOURS)
    void mixedLoadWithKillsAndLossStaysCorrectAndFlat() throws Exception
    {
        final long seed = Long.getLong("soak.seed", System.nanoTime());
        System.out.printf("SOAK seed %d, duration %s, interval %s, kill period %s, rate %d/s, loss 1%%%n",
            seed, DURATION, INTERVAL, KILL_PERIOD, RATE);
        final Random random = new Random(seed);
        try (Deployment deployment = new Deployment(watcher, "soak"))
        {
            deployment.driver(Deployment.lossArgs(0.01, seed));
            final String dirB = deployment.otherDriver(watcher, "soak-b", Deployment.lossArgs(0.01, seed + 100));
            final Endpoint scheduler = new Endpoint("127.0.0.1", Deployment.freePort("127.0.0.1"), 5001);
            final Endpoint storage = new Endpoint("127.0.0.1", Deployment.freePort("127.0.0.1"), 5020);
            gcLog = new File(deployment.logs(), "core-gc.log");
            // Native memory tracking (summary: a few percent of malloc cost) says, if RSS grows, where.
            deployment.node("core", List.of("-Xlog:gc:file=" + gcLog.getPath(), "-XX:NativeMemoryTracking=summary"), "--roles", "storage,scheduler", "--host", "127.0.0.1",
                "--scheduler-endpoint", scheduler.toString(), "--storage", "20@" + storage,
                "--data", new File(deployment.logs(), "storage-data").getPath());
            deployment.node("executor-11", "--roles", "cache,executor", "--host", "127.0.0.1",
                "--executor-id", "11", "--executor-endpoint", new Endpoint("127.0.0.1", Deployment.freePort("127.0.0.1"), 5011).toString(),
                "--cache-id", "32", "--cache-endpoint", "127.0.0.1:0/5032",
                "--cache-file", new File(deployment.logs(), "cache-a.dat").getPath(),
                "--scheduler-endpoint", scheduler.toString(), "--storage", "20@" + storage);
            deployment.nodeOn(dirB, "executor-10", "--roles", "cache,executor", "--host", "127.0.0.2",
                "--executor-id", "10", "--executor-endpoint", new Endpoint("127.0.0.2", Deployment.freePort("127.0.0.2"), 5010).toString(),
                "--cache-id", "30", "--cache-endpoint", new Endpoint("127.0.0.2", Deployment.freePort("127.0.0.2"), 5030).toString(),
                "--cache-file", new File(deployment.logs(), "cache-b.dat").getPath(),
                "--scheduler-endpoint", scheduler.toString(), "--storage", "20@" + storage);

            final DropletClient[] holder = { Deployment.connect(() -> new RemoteContext()
                .aeronDirectoryName(deployment.dir())
                .localHost("127.0.0.1")
                .clientNode(1000)
                .clientEndpoint(new Endpoint("127.0.0.1", Deployment.freePort("127.0.0.1"), 5100))
                .scheduler(1, scheduler)
                .storage(20, storage)
                .replicationFactor(1)
                .callTimeoutNs(TimeUnit.SECONDS.toNanos(5)), Duration.ofSeconds(60)) };

            try (DropletClient client = holder[0])
            {
                client.registerFunction("increment", Increment.class);
                client.registerFunction("square", Square.class);
                client.registerFunction("stamp", Stamp.class);
                client.registerDag("dag", List.of("increment", "square"), List.of(Connection.of("increment", "square")));
                // A DAG whose first stage writes (output commit), into data of a fixed size: memory can stay flat.
                client.registerDag("audit", List.of("stamp", "square"), List.of(Connection.of("stamp", "square")));
                Await.until(() -> Long.valueOf(16).equals(quietly(() -> client.callDag("dag", 3L))), Duration.ofSeconds(60),
                    () -> "served");
                Await.until(() -> deployment.sum(io.droplet.scheduler.SchedulerCounters.TYPE_ID_BASE + 2, "") >= 2,
                    Duration.ofSeconds(60), () -> "both executors live");

                try
                {
                    run(deployment, client, random);
                }
                finally
                {
                    System.out.println("SOAK counters on host A:");
                    Deployment.printCounters(deployment.dir());
                    System.out.println("SOAK counters on host B:");
                    Deployment.printCounters(dirB);
                }
            }
        }
    }

    private void run(final Deployment deployment, final DropletClient client, final Random random) throws Exception
    {
        final Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        final Map<ErrorCode, AtomicLong> errors = new EnumMap<>(ErrorCode.class);
        for (final ErrorCode code : ErrorCode.values())
        {
            errors.put(code, new AtomicLong());
        }
        final AtomicLong results = new AtomicLong();
        final AtomicLong unexpected = new AtomicLong();
        final String[] kinds = { "dag", "audit", "call", "put", "get" };
        final java.util.concurrent.atomic.AtomicLongArray failuresByKind = new java.util.concurrent.atomic.AtomicLongArray(kinds.length);
        final ConcurrentLinkedQueue<String> firstUnexpected = new ConcurrentLinkedQueue<>();
        final List<CompletableFuture<Object>> outstanding = new ArrayList<>();
        final List<Row> rows = new ArrayList<>();
        final long intervalNs = INTERVAL.toNanos();
        final long start = System.nanoTime();
        final long end = start + DURATION.toNanos();
        // Kills keep out of the warm-up, the first comparison window and the last (with an interval to settle).
        final long killFrom = start + (1 + COMPARE_INTERVALS) * intervalNs + intervalNs / 2;
        final long killUntil = end - (1 + COMPARE_INTERVALS) * intervalNs;
        long nextKill = killFrom;
        // The row RSS growth is measured from (see below): native memory is baselined there.
        final int expectedRows = (int)(DURATION.toNanos() / intervalNs);
        final int settledRow = 1 + (DURATION.compareTo(Duration.ofMinutes(30)) >= 0 ? expectedRows / 2 : expectedRows / 4);
        long nextInterval = start + intervalNs;
        long next = start;
        long sent = 0;
        boolean warmedUp = false;
        int kills = 0;
        int victim = 10;
        long killedAt = 0;
        while (System.nanoTime() - end < 0)
        {
            final long now = System.nanoTime();
            if (killedAt == 0 && now - nextKill >= 0 && now - killUntil < 0)
            {
                deployment.kill("executor-" + victim);
                kills++;
                killedAt = now;
            }
            if (killedAt != 0 && now - killedAt > TimeUnit.MILLISECONDS.toNanos(1_500))
            {
                deployment.restart("executor-" + victim);
                victim = victim == 10 ? 11 : 10;
                killedAt = 0;
                nextKill = now + KILL_PERIOD.toNanos();
            }
            if (now - nextInterval >= 0 && now - start < intervalNs + intervalNs / 2 && rows.isEmpty() && !warmedUp)
            {
                // The first interval warms the JIT and the links up: not a row.
                recorder.getIntervalHistogram();
                warmedUp = true;
                nextInterval += intervalNs;
                continue;
            }
            if (now - nextInterval >= 0)
            {
                // Heap after GC where growth is measured from is read after a full collection made now, to
                // the KiB, not from the node's last young collection (a node that allocates little collects
                // rarely, and its GC log rounds to MiB).
                rows.add(Row.take(rows.size() + 1, deployment, recorder.getIntervalHistogram(), results.get(),
                    errorCount(errors), unexpected.get(), sent, kills, rows.size() + 1 == settledRow));
                System.out.println("SOAK " + rows.get(rows.size() - 1));
                if (rows.size() == settledRow)
                {
                    jcmd(deployment.pid("core"), "VM.native_memory", "baseline");
                }
                nextInterval += intervalNs;
                outstanding.removeIf(CompletableFuture::isDone);
            }
            if (now - next < 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(Math.min(next - now, 200_000));
                continue;
            }
            next += 1_000_000_000L / RATE;
            final long issued = System.nanoTime();
            final long id = ++sent;
            final int kind = random.nextInt(100);
            final int kindIndex = kind < 35 ? 0 : kind < 50 ? 1 : kind < 70 ? 2 : kind < 85 ? 3 : 4;
            final CompletableFuture<Object> op;
            final Object expected;
            if (kind < 35)
            {
                op = client.callDagAsync("dag", id);
                expected = (id + 1) * (id + 1);
            }
            else if (kind < 50)
            {
                op = client.callDagAsync("audit", id);
                expected = id * id;
            }
            else if (kind < 70)
            {
                op = client.callAsync("increment", id);
                expected = id + 1;
            }
            else if (kind < 85)
            {
                op = client.putAsync("soak-" + (id % KEYS), MaxLattice.of(id), AckLevel.ONE);
                expected = null;
            }
            else
            {
                op = client.getAsync("soak-" + (id % KEYS));
                expected = MaxLattice.class;
            }
            op.whenComplete((value, failure) ->
            {
                recorder.recordValue(Math.min(System.nanoTime() - issued, TimeUnit.SECONDS.toNanos(60)));
                if (null != failure)
                {
                    final Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                    if (cause instanceof DropletException)
                    {
                        errors.get(((DropletException)cause).code()).incrementAndGet();
                        failuresByKind.incrementAndGet(kindIndex);
                    }
                    else
                    {
                        unexpected.incrementAndGet();
                        firstUnexpected.add(String.valueOf(cause));
                    }
                }
                else if (expected == MaxLattice.class ? (null == value || value instanceof MaxLattice) :
                    java.util.Objects.equals(expected, value))
                {
                    results.incrementAndGet();
                }
                else
                {
                    unexpected.incrementAndGet();
                    firstUnexpected.add("expected " + expected + " got " + value);
                }
            });
            outstanding.add(op);
        }
        if (killedAt != 0)
        {
            deployment.restart("executor-" + victim);
        }
        long lost = 0;
        for (final CompletableFuture<Object> op : outstanding)
        {
            try
            {
                op.get(30, TimeUnit.SECONDS);
            }
            catch (final java.util.concurrent.TimeoutException ex)
            {
                lost++;
            }
            catch (final java.util.concurrent.ExecutionException ex)
            {
                // Counted by its completion handler.
            }
        }
        // Nothing is in flight any more: the full collection the last row asks for costs no operation its latency.
        rows.add(Row.take(rows.size() + 1, deployment, recorder.getIntervalHistogram(), results.get(), errorCount(errors),
            unexpected.get(), sent, kills, true));

        final StringBuilder byKind = new StringBuilder();
        for (int k = 0; k < kinds.length; k++)
        {
            byKind.append(kinds[k]).append('=').append(failuresByKind.get(k)).append(' ');
        }
        System.out.println("SOAK typed errors by operation: " + byKind);
        System.out.println("SOAK summary");
        System.out.println(Row.HEADER);
        rows.forEach(row -> System.out.println(row));
        final Row first = rows.get(0);
        final Row last = rows.get(rows.size() - 1);
        final Histogram firstWindow = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Histogram lastWindow = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final int window = Math.min(COMPARE_INTERVALS, rows.size() / 2);
        for (int i = 0; i < Math.max(1, window); i++)
        {
            firstWindow.add(rows.get(i).histogram);
            lastWindow.add(rows.get(rows.size() - 1 - i).histogram);
        }
        final double firstP99Us = firstWindow.getValueAtPercentile(99) / 1e3;
        final double lastP99Us = lastWindow.getValueAtPercentile(99) / 1e3;
        System.out.printf("SOAK p99 of the first %d interval(s) %.1f us, of the last %d %.1f us (%.2fx)%n",
            Math.max(1, window), firstP99Us, Math.max(1, window), lastP99Us, lastP99Us / firstP99Us);
        // Growth from a quarter into the run: until then mapped log buffers and the store's pages are still
        // being touched for the first time, which is RSS the node keeps, not a leak.
        // Runs of 30 minutes or more are measured over their second half: the JIT keeps compiling (new code paths
        // come with each kill's recovery) for some twenty minutes on a small machine, and code-cache growth is a
        // warm-up, not a leak. Shorter runs from a quarter in, with their looser bounds below.
        final Row settled = rows.get(Math.min(settledRow - 1, rows.size() - 2));
        final double measuredHours = Math.max((last.index - settled.index) * INTERVAL.toSeconds() / 3600.0, 1e-9);
        final long heapGrowth = last.coreHeapAfterGc - settled.coreHeapAfterGc;
        // RSS steps up for a few seconds after each kill (the restarted executor's new log buffers are mapped
        // before the dead one's are released), so each end is the least RSS over a window of intervals: a leak
        // raises that too, a transient does not.
        final int settledIndex = rows.indexOf(settled);
        final int rssWindow = Math.max(1, Math.min(COMPARE_INTERVALS, (rows.size() - settledIndex) / 2));
        long settledRss = Long.MAX_VALUE;
        long lastRss = Long.MAX_VALUE;
        for (int i = 0; i < rssWindow; i++)
        {
            settledRss = Math.min(settledRss, rows.get(settledIndex + i).coreRss);
            lastRss = Math.min(lastRss, rows.get(rows.size() - 1 - i).coreRss);
        }
        final long rssGrowth = lastRss - settledRss;
        System.out.printf("SOAK core RSS (least over %d interval(s)) %d KiB from a quarter in, %d KiB at the end; " +
            "RssAnon %d -> %d KiB, RssShmem %d -> %d KiB%n", rssWindow, settledRss >> 10, lastRss >> 10,
            settled.coreAnon >> 10, last.coreAnon >> 10, settled.coreShmem >> 10, last.coreShmem >> 10);
        System.out.printf("SOAK sent %d, results %d, typed errors %s, lost %d, unexpected %d, kills %d; p99 first %.1f us, " +
            "last %.1f us; core heap after GC %+d KiB, RSS %+d KiB (%.2f MB/h), fds %d -> %d, threads %d -> %d%n",
            sent, results.get(), nonZero(errors), lost, unexpected.get(), kills, firstP99Us, lastP99Us,
            heapGrowth >> 10, rssGrowth >> 10, rssGrowth / 1e6 / measuredHours, first.coreFds, last.coreFds, first.coreThreads,
            last.coreThreads);

        final String nativeDiff = jcmd(deployment.pid("core"), "VM.native_memory", "summary.diff");
        System.out.println("SOAK core native memory since the row RSS is measured from (NMT summary.diff):");
        System.out.println(nativeDiff);
        // Code the JIT compiles is RSS the JVM adds as new paths get hot: each kill's recovery runs code that
        // becomes hot only after many kills, so the code cache keeps growing while kills go on (and stops when
        // they stop). It is bounded (ReservedCodeCacheSize) and the JVM accounts for it, so the leak check
        // takes it out of the RSS growth; everything else (heap, class metadata, threads, direct and mapped
        // buffers, malloc) stays in.
        final long jitCodeGrowth = committedGrowth(nativeDiff, "Code");
        final long rssGrowthBesidesJit = rssGrowth - jitCodeGrowth;
        System.out.printf("SOAK core RSS %+d KiB over the measured %.2f h (%.2f MB/h), of which JIT-compiled code %+d KiB; " +
            "the rest %+d KiB (%.2f MB/h)%n", rssGrowth >> 10, measuredHours, rssGrowth / 1e6 / measuredHours,
            jitCodeGrowth >> 10, rssGrowthBesidesJit >> 10, rssGrowthBesidesJit / 1e6 / measuredHours);

        assertEquals(0, lost, "lost");
        assertEquals(0, unexpected.get(), () -> "unexpected: " + firstUnexpected.peek());
        assertTrue(errors.entrySet().stream().filter(e -> e.getValue().get() > 0).allMatch(e ->
            e.getKey() == ErrorCode.TIMEOUT || e.getKey() == ErrorCode.NO_RESOURCES || e.getKey() == ErrorCode.NOT_CONNECTED),
            "only typed errors of dying executors: " + nonZero(errors));
        // Over one-minute intervals the p99 is a steady figure; over the short run's ten-second intervals it is
        // decided by a handful of retransmissions and scheduler wake-ups, so the short run bounds it looser.
        final double p99Bound = DURATION.compareTo(Duration.ofMinutes(10)) >= 0 ? 1.2 : 3.0;
        assertTrue(lastP99Us <= p99Bound * firstP99Us, "p99 of the last window " + lastP99Us + " us within " + p99Bound +
            "x of the first " + firstP99Us + " us");
        assertTrue(Math.abs(last.coreFds - first.coreFds) <= 8, "file descriptors flat");
        assertTrue(Math.abs(last.coreThreads - first.coreThreads) <= 4, "threads flat");
        if (DURATION.compareTo(Duration.ofMinutes(30)) >= 0)
        {
            assertTrue(heapGrowth / measuredHours < 1_000_000, "heap after GC grows under 1 MB/h: " + heapGrowth / measuredHours + " B/h");
            assertTrue(rssGrowthBesidesJit / measuredHours < 1_000_000, "RSS besides JIT-compiled code grows under 1 MB/h: " +
                rssGrowthBesidesJit / measuredHours + " B/h");
            assertTrue(jitCodeGrowth < 16L << 20, "JIT-compiled code bounded: " + (jitCodeGrowth >> 10) + " KiB");
        }
        else
        {
            // A short run cannot resolve 1 MB/h; it still catches a leak of any size worth the name.
            assertTrue(heapGrowth < 32L << 20, "heap after GC flat: " + (heapGrowth >> 10) + " KiB");
            assertTrue(rssGrowth < 64L << 20, "RSS flat: " + (rssGrowth >> 10) + " KiB");
        }
    }

    /**
     * @param summaryDiff what {@code VM.native_memory summary.diff} printed.
     * @param category    of native memory ("Code", say).
     * @return how much more of it is committed than at the baseline, bytes (0 if not found).
     */
    static long committedGrowth(final String summaryDiff, final String category)
    {
        final java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(
            "(?m)^-\\s+" + category + " \\(reserved=\\d+KB(?: [+-]\\d+KB)?, committed=\\d+KB(?: ([+-]\\d+)KB)?\\)")
            .matcher(summaryDiff);
        return matcher.find() && null != matcher.group(1) ? Long.parseLong(matcher.group(1)) << 10 : 0;
    }

    /**
     * Runs {@code jcmd <pid> <command...>} and returns what it printed, or why it could not.
     */
    private static String jcmd(final long pid, final String... command)
    {
        try
        {
            final List<String> words = new ArrayList<>(List.of(
                new File(System.getProperty("java.home"), "bin/jcmd").getPath(), Long.toString(pid)));
            words.addAll(List.of(command));
            // Output to a file, not a pipe: reading a pipe to its end would wait past the deadline if jcmd hangs.
            final File out = File.createTempFile("droplet-jcmd", ".out");
            try
            {
                final Process jcmd = new ProcessBuilder(words).redirectErrorStream(true).redirectOutput(out).start();
                if (!jcmd.waitFor(30, TimeUnit.SECONDS))
                {
                    jcmd.destroyForcibly();
                    return "jcmd did not finish";
                }
                return java.nio.file.Files.readString(out.toPath(), java.nio.charset.StandardCharsets.UTF_8);
            }
            finally
            {
                java.nio.file.Files.deleteIfExists(out.toPath());
            }
        }
        catch (final java.io.IOException ex)
        {
            return "jcmd failed: " + ex;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static long errorCount(final Map<ErrorCode, AtomicLong> errors)
    {
        return errors.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private static Map<ErrorCode, Long> nonZero(final Map<ErrorCode, AtomicLong> errors)
    {
        final Map<ErrorCode, Long> result = new EnumMap<>(ErrorCode.class);
        errors.forEach((code, count) ->
        {
            if (count.get() > 0)
            {
                result.put(code, count.get());
            }
        });
        return result;
    }

    /** One interval's figures. */
    private static final class Row
    {
        static final String HEADER = "| interval | ops/s | p50 us | p99 us | max us | results | typed errors | unexpected | kills | " +
            "core heap after GC KiB | core RSS KiB | core RssAnon KiB | core RssShmem KiB | core fds | core threads | test RSS KiB |";
        final int index;
        final double opsPerSecond;
        final double p50Us;
        final double p99Us;
        final double maxUs;
        final long results;
        final long errors;
        final long unexpected;
        final int kills;
        final Histogram histogram;
        final long coreHeapAfterGc;
        final long coreRss;
        final long coreAnon;
        final long coreShmem;
        final long coreFds;
        final long coreThreads;
        final long selfRss;

        private Row(final int index, final Histogram histogram, final long results, final long errors, final long unexpected,
            final int kills, final long heap, final long rss, final long anon, final long shmem, final long fds, final long threads,
            final long selfRss)
        {
            this.index = index;
            this.opsPerSecond = histogram.getTotalCount() * 1e9 / INTERVAL.toNanos();
            this.p50Us = histogram.getValueAtPercentile(50) / 1e3;
            this.p99Us = histogram.getValueAtPercentile(99) / 1e3;
            this.maxUs = histogram.getMaxValue() / 1e3;
            this.results = results;
            this.errors = errors;
            this.unexpected = unexpected;
            this.kills = kills;
            this.histogram = histogram;
            this.coreHeapAfterGc = heap;
            this.coreRss = rss;
            this.coreAnon = anon;
            this.coreShmem = shmem;
            this.coreFds = fds;
            this.coreThreads = threads;
            this.selfRss = selfRss;
        }

        static Row take(final int index, final Deployment deployment, final Histogram histogram, final long results,
            final long errors, final long unexpected, final long sent, final int kills, final boolean fullGc)
        {
            final long pid = deployment.pid("core");
            return new Row(index, histogram, results, errors, unexpected, kills, fullGc ? heapAfterFullGc(pid) : heapAfterGc(pid),
                deployment.residentBytes("core"), deployment.statusBytes("core", "RssAnon:"),
                deployment.statusBytes("core", "RssShmem:"), fds(pid), threads(pid), selfRss());
        }

        public String toString()
        {
            return String.format("| %d | %.0f | %.1f | %.1f | %.1f | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |", index,
                opsPerSecond, p50Us, p99Us, maxUs, results, errors, unexpected, kills, coreHeapAfterGc >> 10, coreRss >> 10,
                coreAnon >> 10, coreShmem >> 10, coreFds,
                coreThreads, selfRss >> 10);
        }

        /**
         * The heap in use after the node's latest collection, from its GC log (reading it does not disturb
         * the node, as forcing a collection would).
         */
        private static long heapAfterGc(final long pid)
        {
            try
            {
                long after = -1;
                final java.util.regex.Pattern pattern = java.util.regex.Pattern.compile("->(\\d+)M\\(");
                for (final String line : Files.readAllLines(gcLog.toPath()))
                {
                    final java.util.regex.Matcher matcher = pattern.matcher(line);
                    if (matcher.find())
                    {
                        after = Long.parseLong(matcher.group(1)) << 20;
                    }
                }
                return after;
            }
            catch (final java.io.IOException ex)
            {
                return -1;
            }
        }

        /**
         * Asks the node for a full collection and reads the heap in use after it, to the KiB
         * ({@code GC.heap_info}); falls back to the GC log if that cannot be read.
         */
        private static long heapAfterFullGc(final long pid)
        {
            jcmd(pid, "GC.run");
            final java.util.regex.Matcher used = java.util.regex.Pattern.compile("heap\\s+total \\d+K, used (\\d+)K")
                .matcher(jcmd(pid, "GC.heap_info"));
            return used.find() ? Long.parseLong(used.group(1)) << 10 : heapAfterGc(pid);
        }

        private static long fds(final long pid)
        {
            final String[] entries = new File("/proc/" + pid + "/fd").list();
            return null == entries ? -1 : entries.length;
        }

        private static long threads(final long pid)
        {
            try
            {
                for (final String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status")))
                {
                    if (line.startsWith("Threads:"))
                    {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            }
            catch (final java.io.IOException ex)
            {
                return -1;
            }
            return -1;
        }

        private static long selfRss()
        {
            try
            {
                for (final String line : Files.readAllLines(Paths.get("/proc/self/status")))
                {
                    if (line.startsWith("VmRSS:"))
                    {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            }
            catch (final java.io.IOException ex)
            {
                return -1;
            }
            return -1;
        }
    }

    private static Object quietly(final java.util.concurrent.Callable<Object> call)
    {
        try
        {
            return call.call();
        }
        catch (final Exception ex)
        {
            return ex;
        }
    }


}
