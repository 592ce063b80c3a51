package io.droplet.transport.security;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * One client identity: the namespace it works in, its secret (never sent: it keys the proof of a
 * challenge-response) and the actions it may perform there.
 * <p>
 * <b>Note:</b> immutable; thread-safe.
 *
 * @param identity  name of the client.
 * @param namespace it connects to; every function, DAG and key it names starts with {@code namespace/}.
 * @param secret    at least 16 bytes.
 * @param actions   it may perform.
 */
public record Credentials(String identity, String namespace, byte[] secret, Set<Action> actions)
{
    /** Smallest secret accepted. */
    public static final int MIN_SECRET_LENGTH = 16;

    /**
     * Validates the parts and freezes the actions.
     */
    public Credentials
    {
        if (null == identity || identity.isEmpty() || identity.chars().anyMatch(Character::isWhitespace))
        {
            throw new IllegalArgumentException("an identity is a non-empty word: '" + identity + "'");
        }
        if (!Namespaces.isValid(namespace))
        {
            throw new IllegalArgumentException("invalid namespace '" + namespace + "': " + Namespaces.RULE);
        }
        if (null == secret || secret.length < MIN_SECRET_LENGTH)
        {
            throw new IllegalArgumentException("the secret of " + identity + " must have at least " +
                MIN_SECRET_LENGTH + " bytes");
        }
        secret = secret.clone();
        actions = Collections.unmodifiableSet(actions.isEmpty() ? EnumSet.noneOf(Action.class) : EnumSet.copyOf(actions));
    }

    /**
     * @return a copy of the secret.
     */
    public byte[] secret()
    {
        return secret.clone();
    }

    /**
     * @return the identity, namespace and actions; never the secret.
     */
    public String toString()
    {
        return "Credentials[" + identity + " in " + namespace + ", " + actions + "]";
    }
}
