package io.droplet.transport.security;

import io.droplet.codecs.sbe.CallDagDecoder;
import io.droplet.codecs.sbe.CallFunctionDecoder;
import io.droplet.codecs.sbe.CancelDecoder;
import io.droplet.codecs.sbe.DeleteDagDecoder;
import io.droplet.codecs.sbe.DeleteFunctionDecoder;
import io.droplet.codecs.sbe.KvsGetDecoder;
import io.droplet.codecs.sbe.KvsMultiGetDecoder;
import io.droplet.codecs.sbe.KvsPutDecoder;
import io.droplet.codecs.sbe.ListFunctionsDecoder;
import io.droplet.codecs.sbe.PingDecoder;
import io.droplet.codecs.sbe.RegisterDagDecoder;
import io.droplet.codecs.sbe.RegisterFunctionDecoder;
import io.droplet.codecs.sbe.SubscribeDecoder;
import io.droplet.codecs.sbe.UnsubscribeDecoder;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a client may be allowed to do. Each client request template maps to one action; every other
 * template (triggers, merges, gossip, heartbeats, results...) is node-to-node traffic that no client may
 * send, whatever its grants.
 * <p>
 * <b>Note:</b> immutable; thread-safe.
 */
public enum Action
{
    /** Register a function or a DAG. */
    REGISTER,
    /** Call a function (any mode), or cancel one's periodic call. */
    CALL,
    /** Call a DAG. */
    DAG,
    /** Read keys of the lattice KVS (get, multi-get, subscribe). */
    GET,
    /** Write (merge into) keys of the lattice KVS. */
    PUT,
    /** Delete a function or a DAG. */
    DELETE,
    /** List functions; ping. */
    STAT;

    private static final Action[] BY_TEMPLATE = new Action[128];

    static
    {
        BY_TEMPLATE[RegisterFunctionDecoder.TEMPLATE_ID] = REGISTER;
        BY_TEMPLATE[RegisterDagDecoder.TEMPLATE_ID] = REGISTER;
        BY_TEMPLATE[CallFunctionDecoder.TEMPLATE_ID] = CALL;
        BY_TEMPLATE[CancelDecoder.TEMPLATE_ID] = CALL;
        BY_TEMPLATE[CallDagDecoder.TEMPLATE_ID] = DAG;
        BY_TEMPLATE[KvsGetDecoder.TEMPLATE_ID] = GET;
        BY_TEMPLATE[KvsMultiGetDecoder.TEMPLATE_ID] = GET;
        BY_TEMPLATE[SubscribeDecoder.TEMPLATE_ID] = GET;
        BY_TEMPLATE[UnsubscribeDecoder.TEMPLATE_ID] = GET;
        BY_TEMPLATE[KvsPutDecoder.TEMPLATE_ID] = PUT;
        BY_TEMPLATE[DeleteFunctionDecoder.TEMPLATE_ID] = DELETE;
        BY_TEMPLATE[DeleteDagDecoder.TEMPLATE_ID] = DELETE;
        BY_TEMPLATE[ListFunctionsDecoder.TEMPLATE_ID] = STAT;
        BY_TEMPLATE[PingDecoder.TEMPLATE_ID] = STAT;
    }

    /**
     * @param templateId of a message.
     * @return the action a client performs by sending it, or null if only nodes may send it.
     */
    public static Action ofTemplate(final int templateId)
    {
        return templateId >= 0 && templateId < BY_TEMPLATE.length ? BY_TEMPLATE[templateId] : null;
    }

    /**
     * @param text comma-separated action names (any case), or {@code *} for all.
     * @return the actions.
     * @throws IllegalArgumentException naming an unknown action.
     */
    public static Set<Action> parse(final String text)
    {
        if ("*".equals(text.trim()))
        {
            return EnumSet.allOf(Action.class);
        }
        final EnumSet<Action> actions = EnumSet.noneOf(Action.class);
        for (final String part : text.split(","))
        {
            final String name = part.trim().toUpperCase(Locale.ROOT);
            if (name.isEmpty())
            {
                continue;
            }
            try
            {
                actions.add(Action.valueOf(name));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("unknown action '" + part.trim() + "' (known: " +
                    java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT) + " or *)", ex);
            }
        }
        return actions;
    }
}
