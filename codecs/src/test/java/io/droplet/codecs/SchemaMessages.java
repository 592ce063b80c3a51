package io.droplet.codecs;

import io.droplet.codecs.sbe.MessageHeaderDecoder;
import io.droplet.codecs.sbe.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Drives the generated encoders and decoders of every message in the schema by reflection, from
 * the schema's IR, so round-trip tests cover each message, including ones added later, with no
 * per-message test code. A message is a tree: field name to Long, group name to a list of trees,
 * var-data name to byte[].
 */
final class SchemaMessages
{
    static final String PACKAGE = "io.droplet.codecs.sbe.";

    record FieldSpec(String name, long min, long max, long[] validValues, String enumType)
    {
    }

    record Spec(String name, int templateId, List<FieldSpec> fields, List<Spec> groups, List<String> varData)
    {
    }

    private SchemaMessages()
    {
    }

    static List<Spec> all()
    {
        final List<Spec> specs = new ArrayList<>();
        for (final List<Token> tokens : WireSchema.ir().messages())
        {
            final Token begin = tokens.get(0);
            specs.add(spec(begin.name(), begin.id(), tokens.subList(1, tokens.size() - 1)));
        }
        specs.sort((a, b) -> Integer.compare(a.templateId(), b.templateId()));
        return specs;
    }

    private static Spec spec(final String name, final int templateId, final List<Token> body)
    {
        final List<FieldSpec> fields = new ArrayList<>();
        final List<Spec> groups = new ArrayList<>();
        final List<String> varData = new ArrayList<>();
        int i = 0;
        while (i < body.size())
        {
            final Token token = body.get(i);
            if (token.signal() == Signal.BEGIN_FIELD && (token.isConstantEncoding() || body.get(i + 1).isConstantEncoding()))
            {
                // A schema-level constant (CallDag.allSources, Heartbeat.roleValues): not on the wire, nothing to set.
                i += token.componentTokenCount();
                continue;
            }
            if (token.signal() == Signal.BEGIN_FIELD)
            {
                final Token type = body.get(i + 1);
                if (type.signal() == Signal.BEGIN_ENUM)
                {
                    final List<Long> valid = new ArrayList<>();
                    for (int v = i + 2; body.get(v).signal() == Signal.VALID_VALUE; v++)
                    {
                        valid.add(body.get(v).encoding().constValue().longValue());
                    }
                    fields.add(new FieldSpec(
                        token.name(), 0, 0, valid.stream().mapToLong(Long::longValue).toArray(), type.name()));
                }
                else
                {
                    fields.add(new FieldSpec(
                        token.name(),
                        type.encoding().applicableMinValue().longValue(),
                        type.encoding().applicableMaxValue().longValue(),
                        null,
                        null));
                }
            }
            else if (token.signal() == Signal.BEGIN_GROUP)
            {
                final Token dimensions = body.get(i + 1);
                final int bodyStart = i + 1 + dimensions.componentTokenCount();
                final int end = i + token.componentTokenCount();
                groups.add(spec(token.name(), -1, body.subList(bodyStart, end - 1)));
            }
            else if (token.signal() == Signal.BEGIN_VAR_DATA)
            {
                varData.add(token.name());
            }
            i += token.componentTokenCount();
        }
        return new Spec(name, templateId, fields, groups, varData);
    }

    static Map<String, Object> random(final Spec spec, final Random random, final int maxGroupCount, final int maxVarLength)
    {
        final Map<String, Object> tree = new LinkedHashMap<>();
        for (final FieldSpec field : spec.fields())
        {
            if (null != field.validValues())
            {
                tree.put(field.name(), field.validValues()[random.nextInt(field.validValues().length)]);
            }
            else
            {
                tree.put(field.name(), randomBetween(random, field.min(), field.max()));
            }
        }
        for (final Spec group : spec.groups())
        {
            final int count = random.nextInt(maxGroupCount + 1);
            final List<Map<String, Object>> entries = new ArrayList<>();
            for (int n = 0; n < count; n++)
            {
                entries.add(random(group, random, maxGroupCount, maxVarLength));
            }
            tree.put(group.name(), entries);
        }
        for (final String name : spec.varData())
        {
            // Mostly short, sometimes empty, sometimes at the maximum.
            final int choice = random.nextInt(10);
            final int length = choice == 0 ? 0 : choice == 1 ? maxVarLength : random.nextInt(Math.min(64, maxVarLength) + 1);
            final byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            tree.put(name, bytes);
        }
        return tree;
    }

    private static long randomBetween(final Random random, final long min, final long max)
    {
        final int choice = random.nextInt(8);
        if (choice == 0)
        {
            return min;
        }
        if (choice == 1)
        {
            return max;
        }
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE)
        {
            return random.nextLong();
        }
        return min + (long)(random.nextDouble() * ((double)max - (double)min));
    }

    /**
     * @return the total frame length, header included.
     */
    static int encode(final Spec spec, final Map<String, Object> tree, final MutableDirectBuffer buffer, final int offset)
    {
        try
        {
            final Class<?> encoderClass = Class.forName(PACKAGE + spec.name() + "Encoder");
            final Object encoder = encoderClass.getConstructor().newInstance();
            encoderClass.getMethod("wrapAndApplyHeader", MutableDirectBuffer.class, int.class, MessageHeaderEncoder.class)
                .invoke(encoder, buffer, offset, new MessageHeaderEncoder());
            encodeBody(spec, tree, encoder);
            return MessageHeaderEncoder.ENCODED_LENGTH + (int)encoderClass.getMethod("encodedLength").invoke(encoder);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @SuppressWarnings("unchecked")
    private static void encodeBody(final Spec spec, final Map<String, Object> tree, final Object encoder)
        throws ReflectiveOperationException
    {
        final Class<?> type = encoder.getClass();
        for (final FieldSpec field : spec.fields())
        {
            final long value = (Long)tree.get(field.name());
            final Method setter = singleArgMethod(type, field.name());
            final Class<?> param = setter.getParameterTypes()[0];
            setter.invoke(encoder, convert(param, value));
        }
        for (final Spec group : spec.groups())
        {
            final List<Map<String, Object>> entries = (List<Map<String, Object>>)tree.get(group.name());
            final Object groupEncoder = type.getMethod(group.name() + "Count", int.class).invoke(encoder, entries.size());
            final Method next = groupEncoder.getClass().getMethod("next");
            for (final Map<String, Object> entry : entries)
            {
                next.invoke(groupEncoder);
                encodeBody(group, entry, groupEncoder);
            }
        }
        for (final String name : spec.varData())
        {
            final byte[] bytes = (byte[])tree.get(name);
            type.getMethod("put" + capitalise(name), byte[].class, int.class, int.class).invoke(encoder, bytes, 0, bytes.length);
        }
    }

    static Map<String, Object> decode(final Spec spec, final DirectBuffer buffer, final int offset)
    {
        try
        {
            final Class<?> decoderClass = Class.forName(PACKAGE + spec.name() + "Decoder");
            final Object decoder = decoderClass.getConstructor().newInstance();
            decoderClass.getMethod("wrapAndApplyHeader", DirectBuffer.class, int.class, MessageHeaderDecoder.class)
                .invoke(decoder, buffer, offset, new MessageHeaderDecoder());
            return decodeBody(spec, decoder);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static Map<String, Object> decodeBody(final Spec spec, final Object decoder) throws ReflectiveOperationException
    {
        final Class<?> type = decoder.getClass();
        final Map<String, Object> tree = new LinkedHashMap<>();
        for (final FieldSpec field : spec.fields())
        {
            final String getter = null != field.enumType() ? field.name() + "Raw" : field.name();
            tree.put(field.name(), ((Number)type.getMethod(getter).invoke(decoder)).longValue());
        }
        for (final Spec group : spec.groups())
        {
            final Object groupDecoder = type.getMethod(group.name()).invoke(decoder);
            final int count = (Integer)groupDecoder.getClass().getMethod("count").invoke(groupDecoder);
            final Method next = groupDecoder.getClass().getMethod("next");
            final List<Map<String, Object>> entries = new ArrayList<>();
            for (int n = 0; n < count; n++)
            {
                next.invoke(groupDecoder);
                entries.add(decodeBody(group, groupDecoder));
            }
            tree.put(group.name(), entries);
        }
        for (final String name : spec.varData())
        {
            final int length = (Integer)type.getMethod(name + "Length").invoke(decoder);
            final byte[] bytes = new byte[length];
            type.getMethod("get" + capitalise(name), byte[].class, int.class, int.class).invoke(decoder, bytes, 0, length);
            tree.put(name, bytes);
        }
        return tree;
    }

    /**
     * Deep equality of two trees, comparing byte arrays by content.
     */
    static boolean equal(final Object a, final Object b)
    {
        if (a instanceof byte[] && b instanceof byte[])
        {
            return Arrays.equals((byte[])a, (byte[])b);
        }
        if (a instanceof Map && b instanceof Map)
        {
            final Map<?, ?> ma = (Map<?, ?>)a;
            final Map<?, ?> mb = (Map<?, ?>)b;
            if (!ma.keySet().equals(mb.keySet()))
            {
                return false;
            }
            for (final Object key : ma.keySet())
            {
                if (!equal(ma.get(key), mb.get(key)))
                {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List && b instanceof List)
        {
            final List<?> la = (List<?>)a;
            final List<?> lb = (List<?>)b;
            if (la.size() != lb.size())
            {
                return false;
            }
            for (int i = 0; i < la.size(); i++)
            {
                if (!equal(la.get(i), lb.get(i)))
                {
                    return false;
                }
            }
            return true;
        }
        return a == null ? b == null : a.equals(b);
    }

    private static Method singleArgMethod(final Class<?> type, final String name)
    {
        for (final Method method : type.getMethods())
        {
            if (method.getName().equals(name) && method.getParameterCount() == 1 &&
                !java.lang.reflect.Modifier.isStatic(method.getModifiers()))
            {
                return method;
            }
        }
        throw new IllegalStateException("no setter " + name + " on " + type.getName());
    }

    private static Object convert(final Class<?> param, final long value) throws ReflectiveOperationException
    {
        if (param == long.class)
        {
            return value;
        }
        if (param == int.class)
        {
            return (int)value;
        }
        if (param == short.class)
        {
            return (short)value;
        }
        if (param == byte.class)
        {
            return (byte)value;
        }
        if (param.isEnum())
        {
            for (final Method method : param.getMethods())
            {
                if (method.getName().equals("get") && method.getParameterCount() == 1)
                {
                    final Class<?> raw = method.getParameterTypes()[0];
                    return method.invoke(null, convert(raw, value));
                }
            }
        }
        throw new IllegalStateException("unsupported parameter type " + param);
    }

    private static String capitalise(final String name)
    {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
