package io.droplet.executors;

import io.droplet.codecs.value.ValueWriter;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An executor's state machines wired as {@link ExecutorAgent} wires them, with no transport: a clock the
 * test moves, and a {@link RecordingSends} in place of the publisher.
 */
final class StageFixture
{
    static final long CALLER = 1000;
    static final long EXECUTOR = 10;
    static final int MAX_MESSAGE = 64 * 1024;

    long nowNs = 1_000_000_000_000L;
    final EpochNanoClock clock = () -> nowNs;
    final CountersManager countersManager = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024)));
    final ExecutorCounters counters = new ExecutorCounters((typeId, label) -> countersManager.newCounter(label, typeId), "test");
    final RecordingSends sends;
    final LocalFunctions functions = new LocalFunctions();
    final ExecutorBounds bounds;
    final FanIns fanIns;
    final StageOutputs outputs;
    final OutputCommit commit;
    final StageNamespace namespace = new StageNamespace(false, counters.keysRefused);
    final ReferenceResolver resolver;
    final StageState state;
    final FunctionMailbox mailbox;
    /** The worker pool, with no threads (the test runs queued runs), or null when every function runs inline. */
    final WorkerPool pool;
    final PooledLane lane;
    final StageRunner runner;

    /** The scheduler the fixture's executor heartbeats to, told of completed invocations. */
    static final long SCHEDULER = 1;

    final StageSchedule schedule = new StageSchedule();
    final Heartbeats heartbeats;
    final Completions completions;
    final NestedCalls nested;
    private final UnsafeBuffer names = new UnsafeBuffer(new byte[1024]);
    private int namesLength;
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[1024]);
    private final ValueWriter writer = new ValueWriter();

    /**
     * @param cache the host cache, or null for an executor without one.
     */
    StageFixture(final HostCache cache)
    {
        this(cache, new RecordingSends());
    }

    /**
     * @param cache the host cache, or null for an executor without one.
     * @param sends in place of the publisher.
     */
    StageFixture(final HostCache cache, final RecordingSends sends)
    {
        this(cache, sends, -1);
    }

    /**
     * @param cache     the host cache, or null for an executor without one.
     * @param sends     in place of the publisher.
     * @param poolSlots runs the worker pool holds (it has no threads: {@link WorkerPool#runQueued} runs them),
     *                  or -1 for no pool, every function inline.
     */
    StageFixture(final HostCache cache, final RecordingSends sends, final int poolSlots)
    {
        this(cache, sends, poolSlots, 0);
    }

    /**
     * @param cache     the host cache, or null for an executor without one.
     * @param sends     in place of the publisher.
     * @param poolSlots runs the worker pool holds beyond its workers (with no workers: all of them), or -1 for no
     *                  pool, every function inline.
     * @param workers   worker threads of the pool; 0 for none ({@link WorkerPool#runQueued} runs queued runs).
     */
    StageFixture(final HostCache cache, final RecordingSends sends, final int poolSlots, final int workers)
    {
        this(cache, sends, poolSlots, workers, new ExecutorBounds());
    }

    /**
     * @param cache     the host cache, or null for an executor without one.
     * @param sends     in place of the publisher.
     * @param poolSlots runs the worker pool holds beyond its workers, or -1 for no pool, every function inline.
     * @param workers   worker threads of the pool; 0 for none.
     * @param bounds    what requests may hold, concluded here against {@link #MAX_MESSAGE}.
     */
    StageFixture(
        final HostCache cache, final RecordingSends sends, final int poolSlots, final int workers, final ExecutorBounds bounds)
    {
        this.sends = sends;
        this.bounds = bounds;
        bounds.conclude(MAX_MESSAGE);
        fanIns = new FanIns(bounds, clock, counters);
        heartbeats = new Heartbeats(sends, new LocalFunctions(), 100, 0);
        heartbeats.addScheduler(SCHEDULER);
        completions = new Completions(sends, heartbeats, 0);
        nested = new NestedCalls(sends, heartbeats, clock, Runnable::run, counters, 64, 1_000_000, 64);
        outputs = new StageOutputs(sends, counters, completions).fanIns(fanIns, EXECUTOR);
        commit = new OutputCommit(outputs, counters);
        resolver = null == cache ? null : new ReferenceResolver(cache, sends, outputs, MAX_MESSAGE, bounds,
            counters.triggersParkRefused);
        final StageInvocation invocation = new StageInvocation(clock);
        state = new StageState(cache, sends, commit, namespace, counters, clock, MAX_MESSAGE);
        invocation.state(state);
        mailbox = new FunctionMailbox(EXECUTOR, sends, counters, MAX_MESSAGE, 1024 * 1024);
        invocation.mailbox(mailbox);
        if (poolSlots < 0)
        {
            pool = null;
            lane = null;
        }
        else
        {
            pool = new WorkerPool(workers, poolSlots, 20_000L,
                (owner) -> new PooledRun(owner, cache, false, counters, EXECUTOR, MAX_MESSAGE, MAX_MESSAGE / 2, clock, nested,
                    1_000_000_000L),
                Thread::new);
            lane = new PooledLane(pool, namespace, state, commit, outputs, mailbox, counters, clock, EXECUTOR, 64, 1_000_000,
                new KeyedActivations(1000, cache, sends, MAX_MESSAGE, counters.keyedActivations, counters.keyedEvictions));
        }
        runner = new StageRunner(functions, resolver, fanIns, commit, outputs, namespace, invocation, mailbox, lane, counters,
            clock, EXECUTOR, MAX_MESSAGE, MAX_MESSAGE / 2);
        schedule.reset(names);
    }

    /**
     * Adds a stage running {@code function} on this executor.
     */
    StageFixture stage(final String function)
    {
        return stageOn(EXECUTOR, function);
    }

    /**
     * Adds a stage running {@code function} on another executor.
     */
    StageFixture stageOn(final long executor, final String function)
    {
        final byte[] bytes = function.getBytes(StandardCharsets.UTF_8);
        names.putBytes(namesLength, bytes);
        schedule.addStage(executor, namesLength, bytes.length);
        namesLength += bytes.length;
        return this;
    }

    StageFixture edge(final int from, final int to)
    {
        schedule.addEdge(from, to);
        return this;
    }

    /**
     * Delivers a trigger for {@code target} carrying the value {@code write} writes.
     */
    void trigger(final long invocationId, final int target, final int from, final long deadline, final Consumer<ValueWriter> write)
    {
        write.accept(writer.wrap(value, 0, value.capacity()));
        runner.onTrigger(invocationId, invocationId, CALLER, deadline, target, from, 0, schedule, value, 0,
            writer.encodedLength(), false);
    }
}
