package io.droplet.perf.transport;

import io.droplet.codecs.sbe.CallDagEncoder;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.KvsPutEncoder;
import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import io.droplet.transport.security.Action;
import io.droplet.transport.security.Credentials;
import io.droplet.transport.security.NameCheck;
import io.droplet.transport.security.Namespaces;
import io.droplet.transport.security.Principal;
import org.agrona.collections.Long2ObjectHashMap;
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
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

/**
 * What a secured node adds to each client frame before its handler runs (see {@code SessionGate} and
 * {@code InboundAdapter}): the session looked up by the token in the frame header, the action checked
 * against the identity's grants, and every name in the frame checked against its namespace. Node-to-node
 * frames pay one comparison with the node token only. {@code -prof gc} should report about 0 B/op.
 * <p>
 * <b>Note:</b> JMH state, one instance per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
public class SecurityCheckBenchmark
{
    private static final long TOKEN = 0x5eed_cafe_f00d_1234L;

    private final UnsafeBuffer callDag = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
    private final UnsafeBuffer put = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
    private final Long2ObjectHashMap<Principal> sessions = new Long2ObjectHashMap<>();
    private final NameCheck nameCheck = new NameCheck();
    private byte[] prefix;

    /**
     * A client session among a thousand, and two frames it sends: a DAG call and a put.
     */
    @Setup
    public void setUp()
    {
        for (int i = 0; i < 1_000; i++)
        {
            final Credentials credentials = new Credentials("client-" + i, "team-" + (i % 10),
                new byte[32], EnumSet.allOf(Action.class));
            sessions.put(TOKEN + i, Principal.client(credentials));
        }
        prefix = Namespaces.prefix("team-0");
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final CallDagEncoder dag = new CallDagEncoder().wrapAndApplyHeader(callDag, 0, header)
            .correlationId(1).sessionId(2).replyTo(3).deadline(4).mode(CallMode.FG).periodNs(0);
        dag.sourceArgsCount(1).next().stage((short)0).putArgs(new byte[9], 0, 9);
        dag.dag("team-0/increment-square");
        final byte[] key = "team-0/counter".getBytes(StandardCharsets.UTF_8);
        new KvsPutEncoder().wrapAndApplyHeader(put, 0, header).correlationId(1).replyTo(2).ack(AckLevel.ONE)
            .putKey(key, 0, key.length).putValue(new byte[16], 0, 16);
    }

    /**
     * @return true: admitted.
     */
    @Benchmark
    public boolean admitDagCall()
    {
        final Principal principal = sessions.get(TOKEN + 10);
        return null != principal && principal.permits(Action.DAG) &&
            nameCheck.allows(prefix, CallDagEncoder.TEMPLATE_ID, callDag, 0);
    }

    /**
     * @return true: admitted.
     */
    @Benchmark
    public boolean admitPut()
    {
        final Principal principal = sessions.get(TOKEN + 20);
        return null != principal && principal.permits(Action.PUT) &&
            nameCheck.allows(prefix, KvsPutEncoder.TEMPLATE_ID, put, 0);
    }
}
