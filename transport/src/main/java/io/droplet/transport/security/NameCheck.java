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
import org.agrona.DirectBuffer;

/**
 * Checks that every function, DAG and key a client's request names lies in the client's namespace,
 * reading the names in place (no allocation: calls, gets and puts pass here). Runs on frames the
 * {@link io.droplet.codecs.FrameValidator} accepted, so every length read is within the frame.
 * <p>
 * <b>Note:</b> not thread-safe (reused flyweights); one per inbound adapter.
 */
public final class NameCheck
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

    /**
     * @param prefix     of the client's namespace ({@link Namespaces#prefix}).
     * @param templateId of the (valid) frame.
     * @param buffer     holding it.
     * @param offset     of its header.
     * @return true if every name in it is in the namespace (true for templates that name nothing).
     */
    public boolean allows(final byte[] prefix, final int templateId, final DirectBuffer buffer, final int offset)
    {
        switch (templateId)
        {
            case RegisterFunctionDecoder.TEMPLATE_ID:
            {
                final RegisterFunctionDecoder d = registerFunction.wrapAndApplyHeader(buffer, offset, header);
                return Namespaces.owns(prefix, buffer, d.limit() + RegisterFunctionDecoder.nameHeaderLength(), d.nameLength());
            }
            case DeleteFunctionDecoder.TEMPLATE_ID:
            {
                final DeleteFunctionDecoder d = deleteFunction.wrapAndApplyHeader(buffer, offset, header);
                return Namespaces.owns(prefix, buffer, d.limit() + DeleteFunctionDecoder.nameHeaderLength(), d.nameLength());
            }
            case DeleteDagDecoder.TEMPLATE_ID:
            {
                final DeleteDagDecoder d = deleteDag.wrapAndApplyHeader(buffer, offset, header);
                return Namespaces.owns(prefix, buffer, d.limit() + DeleteDagDecoder.nameHeaderLength(), d.nameLength());
            }
            case RegisterDagDecoder.TEMPLATE_ID:
            {
                final RegisterDagDecoder d = registerDag.wrapAndApplyHeader(buffer, offset, header);
                boolean owned = true;
                for (final RegisterDagDecoder.FunctionsDecoder function : d.functions())
                {
                    owned &= Namespaces.owns(prefix, buffer,
                        d.limit() + RegisterDagDecoder.FunctionsDecoder.functionHeaderLength(), function.functionLength());
                    function.skipFunction();
                }
                for (final RegisterDagDecoder.ConnectionsDecoder ignored : d.connections())
                {
                    // Stage indices only: nothing to check, but the group must be passed to reach the name.
                }
                return owned && Namespaces.owns(prefix, buffer, d.limit() + RegisterDagDecoder.nameHeaderLength(), d.nameLength());
            }
            case CallFunctionDecoder.TEMPLATE_ID:
            {
                final CallFunctionDecoder d = callFunction.wrapAndApplyHeader(buffer, offset, header);
                for (final CallFunctionDecoder.TimesDecoder ignored : d.times())
                {
                    // Fixed-size entries: passed to reach the function's name.
                }
                return Namespaces.owns(prefix, buffer, d.limit() + CallFunctionDecoder.functionHeaderLength(), d.functionLength());
            }
            case CallDagDecoder.TEMPLATE_ID:
            {
                final CallDagDecoder d = callDag.wrapAndApplyHeader(buffer, offset, header);
                for (final CallDagDecoder.SourceArgsDecoder source : d.sourceArgs())
                {
                    source.skipArgs();
                }
                return Namespaces.owns(prefix, buffer, d.limit() + CallDagDecoder.dagHeaderLength(), d.dagLength());
            }
            case KvsGetDecoder.TEMPLATE_ID:
            {
                final KvsGetDecoder d = kvsGet.wrapAndApplyHeader(buffer, offset, header);
                return Namespaces.owns(prefix, buffer, d.limit() + KvsGetDecoder.keyHeaderLength(), d.keyLength());
            }
            case KvsPutDecoder.TEMPLATE_ID:
            {
                final KvsPutDecoder d = kvsPut.wrapAndApplyHeader(buffer, offset, header);
                return Namespaces.owns(prefix, buffer, d.limit() + KvsPutDecoder.keyHeaderLength(), d.keyLength());
            }
            case KvsMultiGetDecoder.TEMPLATE_ID:
            {
                final KvsMultiGetDecoder d = kvsMultiGet.wrapAndApplyHeader(buffer, offset, header);
                boolean owned = true;
                for (final KvsMultiGetDecoder.KeysDecoder key : d.keys())
                {
                    owned &= Namespaces.owns(prefix, buffer,
                        d.limit() + KvsMultiGetDecoder.KeysDecoder.keyHeaderLength(), key.keyLength());
                    key.skipKey();
                }
                return owned;
            }
            case SubscribeDecoder.TEMPLATE_ID:
            {
                final SubscribeDecoder d = subscribe.wrapAndApplyHeader(buffer, offset, header);
                boolean owned = true;
                for (final SubscribeDecoder.KeysDecoder key : d.keys())
                {
                    owned &= Namespaces.owns(prefix, buffer,
                        d.limit() + SubscribeDecoder.KeysDecoder.keyHeaderLength(), key.keyLength());
                    key.skipKey();
                }
                return owned;
            }
            case UnsubscribeDecoder.TEMPLATE_ID:
            {
                final UnsubscribeDecoder d = unsubscribe.wrapAndApplyHeader(buffer, offset, header);
                boolean owned = true;
                for (final UnsubscribeDecoder.KeysDecoder key : d.keys())
                {
                    owned &= Namespaces.owns(prefix, buffer,
                        d.limit() + UnsubscribeDecoder.KeysDecoder.keyHeaderLength(), key.keyLength());
                    key.skipKey();
                }
                return owned;
            }
            default:
                return true;
        }
    }
}
