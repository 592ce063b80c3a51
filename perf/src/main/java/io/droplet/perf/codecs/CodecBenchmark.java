package io.droplet.perf.codecs;

import io.droplet.codecs.FrameLimits;
import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.FrameValidator;
import io.droplet.codecs.sbe.CallDagDecoder;
import io.droplet.codecs.sbe.CallDagEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.codecs.sbe.ResultDecoder;
import io.droplet.codecs.sbe.ResultEncoder;
import io.droplet.codecs.sbe.TriggerDecoder;
import io.droplet.codecs.sbe.TriggerEncoder;
import io.droplet.codecs.value.ValueReader;
import io.droplet.codecs.value.ValueWriter;
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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Encode then decode of the three messages of every DAG hop (DESIGN.md section 4): the client's
 * CallDag, the executors' Trigger carrying a 2-stage schedule, and the sink's Result, each with its
 * argument in the value encoding; plus validation of a Trigger frame. Flyweights and buffers are
 * reused as the agents reuse them, so {@code -prof gc} should report about 0 B/op.
 * <p>
 * <b>Note:</b> JMH state, one instance per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class CodecBenchmark
{
    // Names are held pre-encoded, as a registry holds them: SBE's String setters would allocate.
    private static final byte[] DAG = "increment-square".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INCREMENT = "increment".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SQUARE = "square".getBytes(StandardCharsets.UTF_8);

    private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final UnsafeBuffer args = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final CallDagEncoder callDagEncoder = new CallDagEncoder();
    private final CallDagDecoder callDagDecoder = new CallDagDecoder();
    private final TriggerEncoder triggerEncoder = new TriggerEncoder();
    private final TriggerDecoder triggerDecoder = new TriggerDecoder();
    private final ResultEncoder resultEncoder = new ResultEncoder();
    private final ResultDecoder resultDecoder = new ResultDecoder();
    private final ValueWriter valueWriter = new ValueWriter();
    private final ValueReader valueReader = new ValueReader();
    private final FrameValidator validator = new FrameValidator(FrameLimits.DEFAULT);
    private int triggerLength;
    private long x = 41;

    /**
     * Encodes a Trigger once for the validation benchmark.
     */
    @Setup
    public void setup()
    {
        triggerLength = encodeTrigger(7);
    }

    private int encodeArgs(final long value)
    {
        return valueWriter.wrap(args, 0, args.capacity()).writeLong(value).encodedLength();
    }

    private long decodeArgs(final int offset, final int length)
    {
        return valueReader.wrap(frame, offset, length).readLong();
    }

    /**
     * @return the decoded argument, so the work is not eliminated.
     */
    @Benchmark
    public long callDag()
    {
        final int argsLength = encodeArgs(x++);
        callDagEncoder.wrapAndApplyHeader(frame, 0, headerEncoder)
            .correlationId(x)
            .sessionId(3)
            .replyTo(9)
            .deadline(x + 1_000_000)
            .mode(CallMode.FG)
            .periodNs(0)
            .sourceArgsCount(1).next().stage(0).putArgs(args, 0, argsLength);
        callDagEncoder.putDag(DAG, 0, DAG.length);

        callDagDecoder.wrapAndApplyHeader(frame, 0, headerDecoder);
        long sum = callDagDecoder.correlationId() + callDagDecoder.replyTo() + callDagDecoder.deadline();
        for (final CallDagDecoder.SourceArgsDecoder source : callDagDecoder.sourceArgs())
        {
            sum += source.stage();
            final int length = source.argsLength();
            sum += decodeArgs(callDagDecoder.limit() + CallDagDecoder.SourceArgsDecoder.argsHeaderLength(), length);
            source.skipArgs();
        }
        return sum + callDagDecoder.dagLength();
    }

    private int encodeTrigger(final long value)
    {
        final int argsLength = encodeArgs(value);
        triggerEncoder.wrapAndApplyHeader(frame, 0, headerEncoder)
            .invocationId(value)
            .correlationId(value)
            .replyTo(9)
            .deadline(value + 1_000_000)
            .targetStage(1)
            .fromStage(0)
            .attempt(0);
        final TriggerEncoder.ScheduleEncoder schedule = triggerEncoder.scheduleCount(2);
        schedule.next().executor(11).putFunction(INCREMENT, 0, INCREMENT.length);
        schedule.next().executor(12).putFunction(SQUARE, 0, SQUARE.length);
        triggerEncoder.edgesCount(1).next().fromStage(0).toStage(1);
        triggerEncoder.putArgs(args, 0, argsLength);
        return MessageHeaderEncoder.ENCODED_LENGTH + triggerEncoder.encodedLength();
    }

    /**
     * @return the decoded fields, so the work is not eliminated.
     */
    @Benchmark
    public long trigger()
    {
        encodeTrigger(x++);
        triggerDecoder.wrapAndApplyHeader(frame, 0, headerDecoder);
        long sum = triggerDecoder.invocationId() + triggerDecoder.targetStage() + triggerDecoder.deadline();
        for (final TriggerDecoder.ScheduleDecoder stage : triggerDecoder.schedule())
        {
            sum += stage.executor();
            sum += stage.functionLength();
            stage.skipFunction();
        }
        for (final TriggerDecoder.EdgesDecoder edge : triggerDecoder.edges())
        {
            sum += edge.fromStage() + edge.toStage();
        }
        final int length = triggerDecoder.argsLength();
        return sum + decodeArgs(triggerDecoder.limit() + TriggerDecoder.argsHeaderLength(), length);
    }

    /**
     * @return the decoded fields, so the work is not eliminated.
     */
    @Benchmark
    public long result()
    {
        final int argsLength = encodeArgs(x++);
        resultEncoder.wrapAndApplyHeader(frame, 0, headerEncoder)
            .correlationId(x)
            .invocationId(x)
            .executor(12)
            .putValue(args, 0, argsLength);

        resultDecoder.wrapAndApplyHeader(frame, 0, headerDecoder);
        final long sum = resultDecoder.correlationId() + resultDecoder.executor();
        final int length = resultDecoder.valueLength();
        return sum + decodeArgs(resultDecoder.limit() + ResultDecoder.valueHeaderLength(), length);
    }

    /**
     * @return the rejection, so the work is not eliminated.
     */
    @Benchmark
    public FrameRejection validateTrigger()
    {
        return validator.validate(frame, 0, triggerLength);
    }
}
