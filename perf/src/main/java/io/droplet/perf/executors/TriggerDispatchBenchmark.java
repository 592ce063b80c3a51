package io.droplet.perf.executors;

import io.droplet.api.ShortFunction;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.ResultDecoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import io.droplet.codecs.value.ValueWriter;
import io.droplet.executors.ExecutorAgent;
import io.droplet.executors.ExecutorContext;
import io.droplet.executors.LocalFunctions;
import io.droplet.transport.Endpoint;
import io.droplet.transport.FrameHandler;
import io.droplet.transport.MessagePublisher;
import io.droplet.transport.NodeChannels;
import io.droplet.transport.ThreadingProfile;
import io.droplet.transport.Transport;
import io.droplet.transport.TransportContext;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One invocation of {@code increment -> square} inside an executor, through a real embedded media
 * driver: the caller's trigger (IPC) -> increment -> trigger to itself (IPC) -> square -> result to the
 * caller (IPC). Everything runs on the benchmark thread (invoker profile), so the time is the executor's
 * and the driver's work per invocation, and {@code -prof gc} shows what the data path allocates.
 * <p>
 * <b>Note:</b> JMH state, one instance per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class TriggerDispatchBenchmark implements FrameHandler
{
    private static final long EXECUTOR = 10;
    private static final long CALLER = 1000;
    private static final byte[] INCREMENT = "increment".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SQUARE = "square".getBytes(StandardCharsets.UTF_8);

    private Transport transport;
    private NodeChannels executorChannels;
    private NodeChannels callerChannels;
    private ExecutorAgent executor;
    private MessagePublisher toExecutor;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TriggerEncoder triggerEncoder = new TriggerEncoder();
    private final ResultDecoder resultDecoder = new ResultDecoder();
    private final io.droplet.codecs.sbe.MessageHeaderDecoder headerDecoder = new io.droplet.codecs.sbe.MessageHeaderDecoder();
    private final ValueWriter args = new ValueWriter();
    private final UnsafeBuffer argsBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private long invocation;
    private long answered;
    private long lastResultValueOffset;

    /**
     * Launches the driver, the executor and the caller node.
     */
    @Setup
    public void setup()
    {
        transport = Transport.launch(new TransportContext()
            .embeddedDriver(true).threadingProfile(ThreadingProfile.INVOKER).name("jmh-executor"));
        final Endpoint executorEndpoint = new Endpoint("127.0.0.1", 0, 6010);
        final Endpoint callerEndpoint = new Endpoint("127.0.0.1", 0, 6100);
        executorChannels = new NodeChannels(transport, EXECUTOR, executorEndpoint, "executor");
        executorChannels.peers().register(CALLER, callerEndpoint);
        final LocalFunctions functions = new LocalFunctions();
        // Declared short: the microsecond path runs inline on the executor's agent, which is what this measures.
        functions.install("increment", ShortFunction.of(inv -> inv.result().writeLong(inv.args().readLong() + 1)));
        functions.install("square", ShortFunction.of(inv ->
        {
            final long x = inv.args().readLong();
            inv.result().writeLong(x * x);
        }));
        // No scheduler runs here: heartbeats find no subscriber and are dropped, as they would be while one restarts.
        executor = new ExecutorAgent(new ExecutorContext()
            .channels(executorChannels).functions(functions).scheduler(1, new Endpoint("127.0.0.1", 0, 6001)));
        callerChannels = new NodeChannels(transport, CALLER, callerEndpoint, "caller");
        callerChannels.peers().register(EXECUTOR, executorEndpoint);
        callerChannels.open(this);
        toExecutor = callerChannels.peers().publisher(EXECUTOR);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!toExecutor.isConnected() || !executorChannels.peers().publisher(CALLER).isConnected() ||
            !executorChannels.peers().publisher(EXECUTOR).isConnected())
        {
            dutyCycle();
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("nodes did not connect");
            }
        }
    }

    /**
     * Closes everything.
     */
    @TearDown
    public void tearDown()
    {
        CloseHelper.quietCloseAll(executor, callerChannels, executorChannels, transport);
    }

    private void dutyCycle()
    {
        transport.invoke();
        executor.doWork();
        callerChannels.inbound().poll(16);
    }

    /**
     * @return the offset of the last result's value, so the work is not eliminated.
     */
    @Benchmark
    public long incrementThenSquare()
    {
        final int argsLength = args.wrap(argsBuffer, 0, argsBuffer.capacity()).beginList(1).writeLong(invocation).endList().encodedLength();
        triggerEncoder.wrapAndApplyHeader(frame, 0, headerEncoder)
            .invocationId(++invocation)
            .correlationId(invocation)
            .replyTo(CALLER)
            .deadline(0)
            .targetStage(0)
            .fromStage(0)
            .attempt(0);
        final TriggerEncoder.ScheduleEncoder schedule = triggerEncoder.scheduleCount(2);
        schedule.next().executor(EXECUTOR).putFunction(INCREMENT, 0, INCREMENT.length);
        schedule.next().executor(EXECUTOR).putFunction(SQUARE, 0, SQUARE.length);
        triggerEncoder.edgesCount(1).next().fromStage(0).toStage(1);
        triggerEncoder.putArgs(argsBuffer, 0, argsLength);
        toExecutor.offer(frame, 0, MessageHeaderEncoder.ENCODED_LENGTH + triggerEncoder.encodedLength(), System.nanoTime());

        final long expected = answered + 1;
        while (answered < expected)
        {
            dutyCycle();
        }
        return lastResultValueOffset;
    }

    /**
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        if (templateId == ResultDecoder.TEMPLATE_ID)
        {
            resultDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            lastResultValueOffset = resultDecoder.limit();
            answered++;
        }
    }
}
