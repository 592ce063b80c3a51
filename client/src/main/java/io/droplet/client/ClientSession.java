package io.droplet.client;

import io.droplet.api.DropletException;

import io.droplet.codecs.sbe.ErrorCode;
import io.droplet.codecs.value.CodecRegistry;
import io.droplet.codecs.value.Reference;
import io.droplet.codecs.value.Values;
import io.droplet.transport.security.Credentials;
import io.droplet.transport.security.Namespaces;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every part of a {@link DropletClient} shares: the conductor it queues requests to (replaced when a
 * remote client relinks), correlation ids, the client's namespace on the wire, argument encoding, and how a
 * blocking call waits.
 * <p>
 * <b>Note:</b> thread-safe: user threads share it.
 */
final class ClientSession
{
    /** How long one {@code Connect} waits for its answer before it is sent again. */
    static final long CONNECT_ATTEMPT_NS = 1_000_000_000L;

    private final AtomicLong correlationIds = new AtomicLong();
    private final long clientNode;
    private final long defaultTimeoutNs;
    private final Waiter waiter;
    private final CodecRegistry codecs;
    private volatile ClientConductor conductor;
    private volatile boolean linked = true;
    private volatile ErrorCode failedCode;
    private volatile String failedDetail;

    /**
     * @param conductor        the client's agent.
     * @param defaultTimeoutNs deadline of requests that give none.
     * @param waiter           how blocking calls wait.
     * @param codecs           for extension value types.
     */
    ClientSession(
        final ClientConductor conductor, final long defaultTimeoutNs, final Waiter waiter, final CodecRegistry codecs)
    {
        this.conductor = conductor;
        this.clientNode = conductor.channels().nodeId();
        this.defaultTimeoutNs = defaultTimeoutNs;
        this.waiter = waiter;
        this.codecs = codecs;
    }

    ClientConductor conductor()
    {
        return conductor;
    }

    /**
     * @param next conductor of a new link.
     */
    void relink(final ClientConductor next)
    {
        conductor = next;
        linked = true;
    }

    /**
     * Fails every request from now on with the given reason: what the client ran on is gone for good.
     *
     * @param code   typed reason.
     * @param detail text for people.
     */
    void fail(final ErrorCode code, final String detail)
    {
        failedCode = code;
        failedDetail = detail;
    }

    void unlink()
    {
        linked = false;
    }

    boolean isLinked()
    {
        return linked;
    }

    long clientNode()
    {
        return clientNode;
    }

    long defaultTimeoutNs()
    {
        return defaultTimeoutNs;
    }

    CodecRegistry codecs()
    {
        return codecs;
    }

    ClientContext context()
    {
        return conductor.context();
    }

    long nextCorrelationId()
    {
        return correlationIds.incrementAndGet();
    }

    /**
     * @param timeoutNs relative.
     * @return the deadline on the client's nano clock.
     */
    long deadlineNs(final long timeoutNs)
    {
        return context().nanoClock().nanoTime() + timeoutNs;
    }

    /**
     * @return now on the client's epoch clock, in nanoseconds (millisecond resolution).
     */
    long epochNanos()
    {
        return context().epochClock().time() * 1_000_000L;
    }

    /**
     * @param node         to introduce this client to; 0 for the scheduler.
     * @param awaitsAnswer true to track the answer (and wait for it).
     * @return a Connect naming this client's node id and current endpoint, kept by the conductor so it is
     * sent again when the peer may have restarted.
     */
    ConnectRequest introduction(final long node, final boolean awaitsAnswer)
    {
        return introduction(node, awaitsAnswer, defaultTimeoutNs);
    }

    private ConnectRequest introduction(final long node, final boolean awaitsAnswer, final long timeoutNs)
    {
        final Credentials credentials = conductor.credentials();
        return new ConnectRequest(nextCorrelationId(), node, deadlineNs(timeoutNs), epochNanos(),
            null == credentials ? "" : credentials.namespace(), null == credentials ? "" : credentials.identity(),
            awaitsAnswer);
    }

    /**
     * Introduces this client to a node and waits for its answer within the default timeout, sending the
     * {@code Connect} again every {@link #CONNECT_ATTEMPT_NS}: a node answers new peers only within its
     * window for new peers and drops the others unanswered (see the transport's {@code PeerLimits}). A client with
     * credentials sends it once: a new {@code Connect} would restart a challenge it may be answering.
     *
     * @param node to introduce this client to; 0 for the scheduler.
     * @throws DropletException TIMEOUT if no attempt was answered in time, or the node's refusal.
     */
    void introduceAndWait(final long node)
    {
        if (null != conductor.credentials())
        {
            join(enqueue(introduction(node, true)));
            return;
        }
        final long deadlineNs = System.nanoTime() + defaultTimeoutNs;
        while (true)
        {
            final long leftNs = deadlineNs - System.nanoTime();
            final long attemptNs = Math.max(1, Math.min(CONNECT_ATTEMPT_NS, leftNs));
            try
            {
                join(enqueue(introduction(node, true, attemptNs)), attemptNs);
                return;
            }
            catch (final DropletException ex)
            {
                if (ex.code() != ErrorCode.TIMEOUT || leftNs <= attemptNs)
                {
                    throw ex;
                }
            }
        }
    }

    /**
     * @return {@code namespace/} of a client with credentials, or "" on an open deployment.
     */
    String namespacePrefix()
    {
        final Credentials credentials = conductor.credentials();
        return null == credentials ? "" : credentials.namespace() + Namespaces.SEPARATOR;
    }

    /**
     * Names are the user's own within the client's namespace: on the wire they carry it as a prefix, which
     * the nodes check (a client can reach nothing of another namespace, whatever it sends).
     *
     * @param name of a function, DAG or key, as the user gave it.
     * @return the name on the wire.
     */
    String qualify(final String name)
    {
        final Credentials credentials = conductor.credentials();
        return null == credentials ? name : credentials.namespace() + Namespaces.SEPARATOR + name;
    }

    /**
     * @param args an argument list.
     * @return it encoded, every reference in the client's namespace.
     * @throws DropletException PAYLOAD_TOO_LARGE beyond {@link #maxPayloadLength()}.
     */
    byte[] encodeArgs(final List<Object> args)
    {
        final byte[] encoded = Values.toBytes(qualifyReferences(args), codecs);
        if (encoded.length > maxPayloadLength())
        {
            throw new DropletException(ErrorCode.PAYLOAD_TOO_LARGE,
                "arguments of " + encoded.length + " bytes exceed the payload limit of " + maxPayloadLength());
        }
        return encoded;
    }

    /**
     * References in arguments name keys as the user knows them: on the wire they are in the client's namespace,
     * as every key it names (the executor resolves only those). Lists and maps are walked; other values kept.
     */
    private Object qualifyReferences(final Object value)
    {
        if (null == conductor.credentials())
        {
            return value;
        }
        if (value instanceof Reference reference)
        {
            return Reference.of(qualify(reference.key()));
        }
        if (value instanceof List<?> list)
        {
            final List<Object> qualified = new ArrayList<>(list.size());
            for (final Object element : list)
            {
                qualified.add(qualifyReferences(element));
            }
            return qualified;
        }
        if (value instanceof Map<?, ?> map)
        {
            final Map<Object, Object> qualified = new LinkedHashMap<>();
            map.forEach((key, element) -> qualified.put(qualifyReferences(key), qualifyReferences(element)));
            return qualified;
        }
        return value;
    }

    /**
     * @return the largest encoded argument list a call may carry.
     */
    int maxPayloadLength()
    {
        return conductor.channels().transport().context().maxPayloadLength();
    }

    /**
     * Queues a request for the conductor.
     *
     * @param request to send.
     * @return its future; failed at once if the link is lost or the queue full.
     */
    CompletableFuture<Object> enqueue(final PendingRequest request)
    {
        final String failed = failedDetail;
        if (null != failed)
        {
            request.fail(failedCode, failed);
            return request.future;
        }
        if (!linked)
        {
            request.fail(ErrorCode.NOT_CONNECTED, "the media driver is lost; the client reconnects when it is back");
            return request.future;
        }
        if (!conductor.submit(request))
        {
            request.fail(ErrorCode.NO_RESOURCES, "client queue full");
        }
        return request.future;
    }

    Object join(final CompletableFuture<Object> future)
    {
        return join(future, defaultTimeoutNs);
    }

    Object join(final CompletableFuture<Object> future, final long timeoutNs)
    {
        waiter.await(future, System.nanoTime() + timeoutNs + context().deadlineGraceNs());
        if (!future.isDone())
        {
            throw new DropletException(ErrorCode.TIMEOUT, "no answer before the deadline");
        }
        try
        {
            return future.join();
        }
        catch (final CompletionException ex)
        {
            if (ex.getCause() instanceof DropletException)
            {
                throw (DropletException)ex.getCause();
            }
            throw ex;
        }
    }

    /**
     * @param future    to wait for.
     * @param timeoutNs longest wait.
     */
    void await(final CompletableFuture<?> future, final long timeoutNs)
    {
        waiter.await(future, System.nanoTime() + timeoutNs);
    }
}
