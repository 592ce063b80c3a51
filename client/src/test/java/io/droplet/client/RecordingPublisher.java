package io.droplet.client;

import io.droplet.codecs.sbe.AckLevel;
import io.droplet.codecs.sbe.CallMode;
import io.droplet.codecs.sbe.FunctionKind;
import io.droplet.transport.SendStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RequestPublisher} that records what would be sent ("kind node correlationId") and answers each
 * send with the next queued status, or OK.
 */
final class RecordingPublisher implements RequestPublisher
{
    static final long SCHEDULER = 1;

    final List<String> sent = new ArrayList<>();
    final ArrayDeque<Integer> statuses = new ArrayDeque<>();
    final List<byte[]> proofs = new ArrayList<>();
    long sessionNode;
    long sessionId;

    /**
     * @param status the next sends get, one each.
     * @param times  how many sends.
     */
    void refuse(final int status, final int times)
    {
        for (int i = 0; i < times; i++)
        {
            statuses.addLast(status);
        }
    }

    private int record(final String kind, final long node, final long correlationId)
    {
        sent.add(kind + " " + node + " " + correlationId);
        final Integer status = statuses.pollFirst();
        return null == status ? SendStatus.OK : status;
    }

    public int connect(
        final long node, final long correlationId, final long timestampNs, final String namespace, final String identity,
        final boolean remember)
    {
        return record("connect", node, correlationId);
    }

    public int authenticate(final long node, final long correlationId, final byte[] proof)
    {
        proofs.add(proof);
        return record("authenticate", node, correlationId);
    }

    public void session(final long node, final long sessionId)
    {
        this.sessionNode = node;
        this.sessionId = sessionId;
    }

    public int callFunction(
        final long correlationId, final long deadline, final CallMode mode, final long periodNs, final long[] times,
        final byte[] function, final byte[] args)
    {
        return record("callFunction", SCHEDULER, correlationId);
    }

    public int callDag(
        final long correlationId, final long deadline, final CallMode mode, final byte[] dag, final int[] stages,
        final byte[][] args)
    {
        return record("callDag", SCHEDULER, correlationId);
    }

    public int cancel(final long correlationId)
    {
        return record("cancel", SCHEDULER, correlationId);
    }

    public int registerFunction(
        final long correlationId, final long version, final FunctionKind kind, final String name, final String entryPoint,
        final byte[] code)
    {
        return record("registerFunction", SCHEDULER, correlationId);
    }

    public int deleteFunction(final long correlationId, final String name)
    {
        return record("deleteFunction", SCHEDULER, correlationId);
    }

    public int listFunctions(final long correlationId)
    {
        return record("listFunctions", SCHEDULER, correlationId);
    }

    public int registerDag(
        final long correlationId, final String name, final List<String> functions, final int[] fromStages, final int[] toStages)
    {
        return record("registerDag", SCHEDULER, correlationId);
    }

    public int deleteDag(final long correlationId, final String name)
    {
        return record("deleteDag", SCHEDULER, correlationId);
    }

    public int put(final long node, final long correlationId, final AckLevel ack, final byte[] key, final byte[] value)
    {
        return record("put", node, correlationId);
    }

    public int get(final long node, final long correlationId, final byte[] key)
    {
        return record("get", node, correlationId);
    }
}
