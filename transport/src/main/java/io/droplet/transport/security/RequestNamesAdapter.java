package io.droplet.transport.security;

import io.droplet.codecs.sbe.CallDagDecoder;
import io.droplet.codecs.sbe.CallFunctionDecoder;
import io.droplet.codecs.sbe.DeleteDagDecoder;
import io.droplet.codecs.sbe.DeleteFunctionDecoder;
import io.droplet.codecs.sbe.KvsGetDecoder;
import io.droplet.codecs.sbe.KvsMultiGetDecoder;
import io.droplet.codecs.sbe.KvsPutDecoder;
import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.RegisterDagDecoder;
import io.droplet.codecs.sbe.RegisterFunctionDecoder;
import io.droplet.codecs.sbe.SubscribeDecoder;
import io.droplet.codecs.sbe.UnsubscribeDecoder;
import io.droplet.transport.FrameHandler;
import org.agrona.DirectBuffer;

/**
 * Reads every function, DAG and key name a client's request carries, in place, and calls a
 * {@link RequestNamesListener} once per name with a view of its bytes: the one place the security layer
 * decodes the client protocol. Runs on frames the {@link io.droplet.codecs.FrameValidator} accepted, so
 * every length read is within the frame; allocates nothing (calls, gets and puts pass here).
 * <p>
 * <b>Note:</b> not thread-safe (reused flyweights); one per inbound adapter.
 */
public final class RequestNamesAdapter implements FrameHandler
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final RegisterFunctionDecoder registerFunction = new RegisterFunctionDecoder();
    private final DeleteFunctionDecoder deleteFunction = new DeleteFunctionDecoder();
    private final RegisterDagDecoder registerDag = new RegisterDagDecoder();
    private final DeleteDagDecoder deleteDag = new DeleteDagDecoder();
    private final CallFunctionDecoder callFunction = new CallFunctionDecoder();
    private final CallDagDecoder callDag = new CallDagDecoder();
    private final KvsGetDecoder kvsGet = new KvsGetDecoder();
    private final KvsMultiGetDecoder kvsMultiGet = new KvsMultiGetDecoder();
    private final KvsPutDecoder kvsPut = new KvsPutDecoder();
    private final SubscribeDecoder subscribe = new SubscribeDecoder();
    private final UnsubscribeDecoder unsubscribe = new UnsubscribeDecoder();

    private final RequestNamesListener listener;

    /**
     * @param listener told each name.
     */
    public RequestNamesAdapter(final RequestNamesListener listener)
    {
        this.listener = listener;
    }

    /**
     * Reports every name of a (valid) request; a template that names nothing reports nothing.
     * {@inheritDoc}
     */
    public void onFrame(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        switch (templateId)
        {
            case RegisterFunctionDecoder.TEMPLATE_ID:
            {
                final RegisterFunctionDecoder d = registerFunction.wrapAndApplyHeader(buffer, offset, header);
                listener.onName(buffer, d.limit() + RegisterFunctionDecoder.nameHeaderLength(), d.nameLength());
                break;
            }
            case DeleteFunctionDecoder.TEMPLATE_ID:
            {
                final DeleteFunctionDecoder d = deleteFunction.wrapAndApplyHeader(buffer, offset, header);
                listener.onName(buffer, d.limit() + DeleteFunctionDecoder.nameHeaderLength(), d.nameLength());
                break;
            }
            case DeleteDagDecoder.TEMPLATE_ID:
            {
                final DeleteDagDecoder d = deleteDag.wrapAndApplyHeader(buffer, offset, header);
                listener.onName(buffer, d.limit() + DeleteDagDecoder.nameHeaderLength(), d.nameLength());
                break;
            }
            case RegisterDagDecoder.TEMPLATE_ID:
            {
                final RegisterDagDecoder d = registerDag.wrapAndApplyHeader(buffer, offset, header);
                for (final RegisterDagDecoder.FunctionsDecoder function : d.functions())
                {
                    listener.onName(
                        buffer, d.limit() + RegisterDagDecoder.FunctionsDecoder.functionHeaderLength(), function.functionLength());
                    function.skipFunction();
                }
                for (final RegisterDagDecoder.ConnectionsDecoder ignored : d.connections())
                {
                    // Stage indices only: nothing to check, but the group must be passed to reach the name.
                }
                listener.onName(buffer, d.limit() + RegisterDagDecoder.nameHeaderLength(), d.nameLength());
                break;
            }
            case CallFunctionDecoder.TEMPLATE_ID:
            {
                final CallFunctionDecoder d = callFunction.wrapAndApplyHeader(buffer, offset, header);
                for (final CallFunctionDecoder.TimesDecoder ignored : d.times())
                {
                    // Fixed-size entries: passed to reach the function's name.
                }
                listener.onName(buffer, d.limit() + CallFunctionDecoder.functionHeaderLength(), d.functionLength());
                break;
            }
            case CallDagDecoder.TEMPLATE_ID:
            {
                final CallDagDecoder d = callDag.wrapAndApplyHeader(buffer, offset, header);
                for (final CallDagDecoder.SourceArgsDecoder source : d.sourceArgs())
                {
                    source.skipArgs();
                }
                listener.onName(buffer, d.limit() + CallDagDecoder.dagHeaderLength(), d.dagLength());
                break;
            }
            case KvsGetDecoder.TEMPLATE_ID:
            {
                final KvsGetDecoder d = kvsGet.wrapAndApplyHeader(buffer, offset, header);
                listener.onName(buffer, d.limit() + KvsGetDecoder.keyHeaderLength(), d.keyLength());
                break;
            }
            case KvsPutDecoder.TEMPLATE_ID:
            {
                final KvsPutDecoder d = kvsPut.wrapAndApplyHeader(buffer, offset, header);
                listener.onName(buffer, d.limit() + KvsPutDecoder.keyHeaderLength(), d.keyLength());
                break;
            }
            case KvsMultiGetDecoder.TEMPLATE_ID:
            {
                final KvsMultiGetDecoder d = kvsMultiGet.wrapAndApplyHeader(buffer, offset, header);
                for (final KvsMultiGetDecoder.KeysDecoder key : d.keys())
                {
                    listener.onName(
                        buffer, d.limit() + KvsMultiGetDecoder.KeysDecoder.keyHeaderLength(), key.keyLength());
                    key.skipKey();
                }
                break;
            }
            case SubscribeDecoder.TEMPLATE_ID:
            {
                final SubscribeDecoder d = subscribe.wrapAndApplyHeader(buffer, offset, header);
                for (final SubscribeDecoder.KeysDecoder key : d.keys())
                {
                    listener.onName(
                        buffer, d.limit() + SubscribeDecoder.KeysDecoder.keyHeaderLength(), key.keyLength());
                    key.skipKey();
                }
                break;
            }
            case UnsubscribeDecoder.TEMPLATE_ID:
            {
                final UnsubscribeDecoder d = unsubscribe.wrapAndApplyHeader(buffer, offset, header);
                for (final UnsubscribeDecoder.KeysDecoder key : d.keys())
                {
                    listener.onName(
                        buffer, d.limit() + UnsubscribeDecoder.KeysDecoder.keyHeaderLength(), key.keyLength());
                    key.skipKey();
                }
                break;
            }
            default:
                // Names nothing: nothing to report.
                break;
        }
    }
}
