package io.droplet.store.node;

import org.agrona.SystemUtil;

/**
 * What subscribers may make a storage node hold, beyond its bound on keys watched in all
 * ({@link StorageNodeContext#maxSubscribedKeys()}): keys per subscriber, and bytes of watched keys in all. A
 * subscription past either is refused NO_RESOURCES and counted. Kept beside {@link StorageNodeContext} to keep
 * that class small.
 * <p>
 * <b>Note:</b> not thread-safe; fill in, then hand to the context.
 */
public final class SubscriptionBounds
{
    /** Most keys one subscriber (a host cache) watches on one storage node. */
    public static final String KEYS_PER_SUBSCRIBER_PROP_NAME = "droplet.store.max.subscribed.keys.per.subscriber";
    /** Default: 65,536. */
    public static final int KEYS_PER_SUBSCRIBER_DEFAULT = 65_536;
    /** Most bytes of watched keys a storage node holds for all its subscribers. */
    public static final String KEY_BYTES_PROP_NAME = "droplet.store.max.subscribed.key.bytes";
    /** Default: 64 MiB. */
    public static final String KEY_BYTES_DEFAULT = "64m";

    private int keysPerSubscriber = Integer.getInteger(KEYS_PER_SUBSCRIBER_PROP_NAME, KEYS_PER_SUBSCRIBER_DEFAULT);
    private long keyBytes = SystemUtil.parseSize(KEY_BYTES_PROP_NAME, System.getProperty(KEY_BYTES_PROP_NAME, KEY_BYTES_DEFAULT));

    /** @return most keys one subscriber watches. */
    public int keysPerSubscriber()
    {
        return keysPerSubscriber;
    }

    /**
     * @param keys most keys one subscriber watches (default {@value #KEYS_PER_SUBSCRIBER_DEFAULT}).
     * @return this.
     */
    public SubscriptionBounds keysPerSubscriber(final int keys)
    {
        this.keysPerSubscriber = keys;
        return this;
    }

    /** @return most bytes of watched keys held for all subscribers. */
    public long keyBytes()
    {
        return keyBytes;
    }

    /**
     * @param bytes most bytes of watched keys held for all subscribers (default 64 MiB).
     * @return this.
     */
    public SubscriptionBounds keyBytes(final long bytes)
    {
        this.keyBytes = bytes;
        return this;
    }
}
