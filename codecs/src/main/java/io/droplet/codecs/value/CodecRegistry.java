package io.droplet.codecs.value;

import org.agrona.collections.Int2ObjectHashMap;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@link ValueCodec}s known to a process, by wire type id and by Java type.
 * <p>
 * <b>Note:</b> register everything before sharing the registry between threads; lookups are then
 * safe from any thread (no writes happen after publication).
 */
public final class CodecRegistry
{
    private final Int2ObjectHashMap<ValueCodec<?>> byTypeId = new Int2ObjectHashMap<>();
    private final Map<Class<?>, ValueCodec<?>> byClass = new HashMap<>();

    /**
     * Registers a codec.
     *
     * @param codec to register.
     * @return this registry.
     * @throws IllegalArgumentException if its type id or Java type is already registered.
     */
    public CodecRegistry register(final ValueCodec<?> codec)
    {
        if (byTypeId.containsKey(codec.typeId()))
        {
            throw new IllegalArgumentException("codec type id already registered: " + codec.typeId());
        }
        if (byClass.containsKey(codec.type()))
        {
            throw new IllegalArgumentException("codec for type already registered: " + codec.type().getName());
        }
        byTypeId.put(codec.typeId(), codec);
        byClass.put(codec.type(), codec);
        return this;
    }

    /**
     * @param typeId on the wire.
     * @return the codec, or null.
     */
    public ValueCodec<?> byTypeId(final int typeId)
    {
        return byTypeId.get(typeId);
    }

    /**
     * @param type a Java type.
     * @return the codec registered for exactly that type, or null.
     */
    public ValueCodec<?> byType(final Class<?> type)
    {
        return byClass.get(type);
    }
}
