package io.droplet.transport;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.droplet.codecs.FrameRejection;
import io.droplet.codecs.FrameValidator;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;

import java.util.List;

/**
 * Polls a node's inbound subscriptions, reassembles fragmented messages, validates every frame
 * with {@link FrameValidator} before anything decodes it, counts, and dispatches to a
 * {@link FrameHandler}. A malformed frame never throws out of {@link #poll(int)}: it is counted by
 * reason and handed to {@link FrameHandler#onRejected}.
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
        return fragments;
    }

    /**
     * Validates and dispatches one whole (reassembled) message.
     * {@inheritDoc}
     */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final FrameRejection rejection = validator.validate(buffer, offset, length);
        if (rejection == FrameRejection.NONE)
        {
            counters.framesReceived.increment();
            counters.bytesReceived.getAndAdd(length);
            try
            {
                handler.onFrame(FrameValidator.templateId(buffer, offset, length), buffer, offset, length);
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
    }
}
