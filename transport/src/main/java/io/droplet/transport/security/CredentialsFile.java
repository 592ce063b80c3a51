package io.droplet.transport.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deployment's credentials, one line each; {@code #} starts a comment:
 * <pre>
 * deployment-key  &lt;hex, at least 32 bytes&gt;                       # nodes only
 * client  &lt;identity&gt;  &lt;namespace&gt;  &lt;secret hex, at least 16 bytes&gt;  &lt;actions: register,call,dag,get,put,delete,stat or *&gt;
 * </pre>
 * Nodes read the whole file: the deployment key (their own frames carry a token derived from it) and
 * every client's secret (to check proofs). A client needs only its own {@code client} line. Keep the file
 * readable by its owner only: it holds secrets.
 * <p>
 * <b>Note:</b> immutable once read; thread-safe.
 */
public final class CredentialsFile
{
    /** Smallest deployment key accepted. */
    public static final int MIN_DEPLOYMENT_KEY_LENGTH = 32;

    private final byte[] deploymentKey;
    private final Map<String, Credentials> clients;

    /**
     * @param deploymentKey of the nodes, or null in a client's file.
     * @param clients       by identity.
     */
    public CredentialsFile(final byte[] deploymentKey, final Map<String, Credentials> clients)
    {
        if (null != deploymentKey && deploymentKey.length < MIN_DEPLOYMENT_KEY_LENGTH)
        {
            throw new IllegalArgumentException("the deployment key must have at least " + MIN_DEPLOYMENT_KEY_LENGTH + " bytes");
        }
        this.deploymentKey = null == deploymentKey ? null : deploymentKey.clone();
        this.clients = Collections.unmodifiableMap(new LinkedHashMap<>(clients));
    }

    /**
     * @param file to read.
     * @return its credentials.
     * @throws IllegalArgumentException naming the file and line of anything malformed.
     * @throws UncheckedIOException     if it cannot be read.
     */
    public static CredentialsFile read(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read credentials file " + file, ex);
        }
        return parse(lines, file.toString());
    }

    /**
     * @param lines  of a credentials file.
     * @param source named in errors.
     * @return the credentials.
     */
    public static CredentialsFile parse(final List<String> lines, final String source)
    {
        byte[] deploymentKey = null;
        final Map<String, Credentials> clients = new LinkedHashMap<>();
        int number = 0;
        for (final String raw : lines)
        {
            number++;
            final int hash = raw.indexOf('#');
            final String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (line.isEmpty())
            {
                continue;
            }
            final String[] words = line.split("\\s+");
            try
            {
                switch (words[0])
                {
                    case "deployment-key":
                        expect(words, 2);
                        if (null != deploymentKey)
                        {
                            throw new IllegalArgumentException("a second deployment-key");
                        }
                        deploymentKey = HexFormat.of().parseHex(words[1]);
                        if (deploymentKey.length < MIN_DEPLOYMENT_KEY_LENGTH)
                        {
                            throw new IllegalArgumentException("the deployment key must have at least " +
                                MIN_DEPLOYMENT_KEY_LENGTH + " bytes");
                        }
                        break;
                    case "client":
                        expect(words, 5);
                        final Credentials credentials = new Credentials(
                            words[1], words[2], HexFormat.of().parseHex(words[3]), Action.parse(words[4]));
                        if (null != clients.put(credentials.identity(), credentials))
                        {
                            throw new IllegalArgumentException("client " + credentials.identity() + " appears twice");
                        }
                        break;
                    default:
                        throw new IllegalArgumentException("unknown entry '" + words[0] + "' (deployment-key or client)");
                }
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(source + ":" + number + ": " + ex.getMessage(), ex);
            }
        }
        return new CredentialsFile(deploymentKey, clients);
    }

    private static void expect(final String[] words, final int count)
    {
        if (words.length != count)
        {
            throw new IllegalArgumentException("'" + words[0] + "' takes " + (count - 1) + " values, found " + (words.length - 1));
        }
    }

    /**
     * @return the deployment key, or null if this file has none (a client's file).
     */
    public byte[] deploymentKey()
    {
        return null == deploymentKey ? null : deploymentKey.clone();
    }

    /**
     * @param identity of a client.
     * @return its credentials, or null if the file has none by that name.
     */
    public Credentials client(final String identity)
    {
        return clients.get(identity);
    }

    /**
     * @return every client, by identity.
     */
    public Map<String, Credentials> clients()
    {
        return clients;
    }
}
