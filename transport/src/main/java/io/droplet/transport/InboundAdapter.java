package io.droplet.transport;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.FrameValidator;
import io.droplet.codecs.sbe.AuthenticateDecoder;
import io.droplet.codecs.sbe.ConnectDecoder;
import io.droplet.transport.security.Action;
import io.droplet.transport.security.NameCheck;
import io.droplet.transport.security.Principal;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * Polls a node's inbound subscriptions, reassembles fragmented messages, validates every frame
 * with {@link FrameValidator} before anything decodes it, counts, and dispatches to a
 * {@link FrameHandler}. A malformed frame never throws out of {@link #poll(int)}: it is counted by
 * reason and handed to {@link FrameHandler#onRejected}. With a {@link SessionGate} (a node given the
 * deployment's credentials), frames from sources that have not authenticated are dropped and counted
 * before they are validated, and a client's frames are checked against its grants and namespace before
 * any handler sees them, so a refused request has no effect at all.
 * <p>
 * <b>Note:</b> not thread-safe; polled by the owning agent only.
 */
public final class InboundAdapter implements FragmentHandler, AutoCloseable
{
    private final Subscription[] subscriptions;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final FrameValidator validator;
    private final TransportCounters counters;
    private final FrameHandler handler;
    private final ErrorHandler errorHandler;
    private final SessionGate gate;
    private final NameCheck nameCheck;
    private final NanoClock clock;

    /**
     * @param subscriptions to poll; closed with this adapter.
     * @param validator     every frame passes first.
     * @param counters      of the owning node.
     * @param handler       of valid and rejected frames.
     * @param errorHandler  for an exception the handler lets escape; the adapter keeps polling.
     */
    public InboundAdapter(
        final List<Subscription> subscriptions,
        final FrameValidator validator,
        final TransportCounters counters,
        final FrameHandler handler,
        final ErrorHandler errorHandler)
    {
        this(subscriptions, validator, counters, handler, errorHandler, null, null);
    }

    /**
     * @param subscriptions to poll; closed with this adapter.
     * @param validator     every frame passes first.
     * @param counters      of the owning node.
     * @param handler       of valid and rejected frames.
     * @param errorHandler  for an exception the handler lets escape; the adapter keeps polling.
     * @param gate          admitting frames from authenticated sources only; null to admit all.
     * @param clock         of the node, for handshakes; may be null without a gate.
     */
    InboundAdapter(
        final List<Subscription> subscriptions,
        final FrameValidator validator,
        final TransportCounters counters,
        final FrameHandler handler,
        final ErrorHandler errorHandler,
        final SessionGate gate,
        final NanoClock clock)
    {
        this.gate = gate;
        this.nameCheck = null == gate ? null : new NameCheck();
        this.clock = clock;
        this.errorHandler = errorHandler;
        this.subscriptions = subscriptions.toArray(new Subscription[0]);
        this.validator = validator;
        this.counters = counters;
        this.handler = handler;
    }

    /**
     * Polls each subscription once.
     *
     * @param fragmentLimit most fragments per subscription.
     * @return fragments read.
     */
    public int poll(final int fragmentLimit)
    {
        int fragments = 0;
        for (final Subscription subscription : subscriptions)
        {
            fragments += subscription.poll(assembler, fragmentLimit);
        }
        if (null != gate)
        {
            fragments += gate.poll(clock.nanoTime());
        }
        return fragments;
    }

    /**
     * Validates and dispatches one whole (reassembled) message.
     * {@inheritDoc}
     */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (null != gate && !admit(buffer, offset, length, header))
        {
            return;
        }
        final FrameRejection rejection = validator.validate(buffer, offset, length);
        if (rejection == FrameRejection.NONE)
        {
            counters.framesReceived.increment();
            counters.bytesReceived.getAndAdd(length);
            final int templateId = FrameValidator.templateId(buffer, offset, length);
            if (null != gate && !authorised(templateId, buffer, offset))
            {
                counters.rejected(FrameRejection.FORBIDDEN);
                handler.onRejected(FrameRejection.FORBIDDEN, buffer, offset, length);
                return;
            }
            try
            {
                handler.onFrame(templateId, buffer, offset, length);
            }
            catch (final RuntimeException ex)
            {
                // A handler bug must not stop the agent: record it and keep polling.
                counters.handlerErrors.increment();
                errorHandler.onError(ex);
            }
        }
        else
        {
            counters.rejected(rejection);
            handler.onRejected(rejection, buffer, offset, length);
        }
    }

    /**
     * Lets through frames of nodes and of authenticated clients; takes handshakes; drops and counts the rest.
     *
     * @return true if the frame goes on to validation and its handler.
     */
    private boolean admit(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final boolean known = gate.identify(header);
        if (known && gate.principal().isNode())
        {
            return true;
        }
        final int templateId = FrameValidator.templateId(buffer, offset, length);
        if (templateId != ConnectDecoder.TEMPLATE_ID && templateId != AuthenticateDecoder.TEMPLATE_ID)
        {
            if (!known)
            {
                counters.rejected(FrameRejection.UNAUTHENTICATED);
            }
            return known;
        }
        // A handshake (a client's first, or one to renew its session): validated before it is read.
        final FrameRejection rejection = validator.validate(buffer, offset, length);
        if (rejection != FrameRejection.NONE)
        {
            counters.rejected(known ? rejection : FrameRejection.UNAUTHENTICATED);
            return false;
        }
        counters.framesReceived.increment();
        counters.bytesReceived.getAndAdd(length);
        final byte[] connect = gate.onHandshake(templateId, buffer, offset, length, header);
        if (null != connect)
        {
            // Authenticated: now the role sees the client's Connect (and answers it with the session token).
            final UnsafeBuffer frame = new UnsafeBuffer(connect);
            try
            {
                handler.onFrame(ConnectDecoder.TEMPLATE_ID, frame, 0, connect.length);
            }
            catch (final RuntimeException ex)
            {
                counters.handlerErrors.increment();
                errorHandler.onError(ex);
            }
        }
        return false;
    }

    private boolean authorised(final int templateId, final DirectBuffer buffer, final int offset)
    {
        final Principal principal = gate.principal();
        if (principal.isNode())
        {
            return true;
        }
        final Action action = Action.ofTemplate(templateId);
        return null != action && principal.permits(action) && nameCheck.allows(principal.prefix(), templateId, buffer, offset);
    }

    /**
     * @return who sent the frame being handled: {@link Principal#NODE} for nodes, or when the node admits
     * every frame (no credentials); a client's principal (namespace, grants) otherwise.
     */
    public Principal principal()
    {
        return null == gate ? Principal.NODE : gate.principal();
    }

    /**
     * @return the session token of the client whose frame is being handled (what a role's Connected
     * carries back after a handshake), or 0 for a node or without credentials.
     */
    public long sessionToken()
    {
        return null == gate ? 0 : gate.token();
    }

    /**
     * @return the gate, or null when every frame is admitted.
     */
    SessionGate gate()
    {
        return gate;
    }

    /**
     * @return true if any subscription has a connected publisher.
     */
    public boolean isConnected()
    {
        for (final Subscription subscription : subscriptions)
        {
            if (subscription.isConnected())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Closes the subscriptions.
     */
    public void close()
    {
        CloseHelper.closeAll(subscriptions);
        CloseHelper.close(gate);
    }
}
