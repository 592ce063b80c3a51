package io.droplet.transport.security;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who sent the frame being handled: a node of the deployment (anything goes), or an authenticated
 * client acting in its namespace with its granted actions.
 * <p>
 * <b>Note:</b> immutable; thread-safe.
 */
public final class Principal
{
    /** A node of this deployment, or any sender when security is off. */
    public static final Principal NODE = new Principal("node", null, EnumSet.allOf(Action.class));

    private final String identity;
    private final String namespace;
    private final byte[] prefix;
    private final boolean[] granted = new boolean[Action.values().length];

    private Principal(final String identity, final String namespace, final Set<Action> actions)
    {
        this.identity = identity;
        this.namespace = namespace;
        this.prefix = null == namespace ? null : Namespaces.prefix(namespace);
        for (final Action action : actions)
        {
            granted[action.ordinal()] = true;
        }
    }

    /**
     * @param credentials of an authenticated client.
     * @return the client as a principal.
     */
    public static Principal client(final Credentials credentials)
    {
        return new Principal(credentials.identity(), credentials.namespace(), credentials.actions());
    }

    /**
     * @return true for a node (not restricted to a namespace).
     */
    public boolean isNode()
    {
        return null == namespace;
    }

    /**
     * @param action to perform.
     * @return true if granted.
     */
    public boolean permits(final Action action)
    {
        return granted[action.ordinal()];
    }

    /**
     * @return the identity.
     */
    public String identity()
    {
        return identity;
    }

    /**
     * @return the namespace, or null for a node.
     */
    public String namespace()
    {
        return namespace;
    }

    /**
     * @return the bytes every name of the namespace starts with, or null for a node.
     */
    public byte[] prefix()
    {
        return prefix;
    }

    /**
     * @param name a qualified name.
     * @return true if this principal may name it.
     */
    public boolean owns(final String name)
    {
        return null == namespace || (name.length() > namespace.length() + 1 && name.startsWith(namespace) &&
            name.charAt(namespace.length()) == Namespaces.SEPARATOR);
    }

    /**
     * @return identity and namespace.
     */
    public String toString()
    {
        return null == namespace ? identity : identity + "@" + namespace;
    }
}
