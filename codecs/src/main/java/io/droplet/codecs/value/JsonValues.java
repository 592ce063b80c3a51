package io.droplet.codecs.value;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values as JSON, for process functions written in any language: null, booleans, numbers (integral
 * numbers are longs, others doubles), strings, lists as arrays, maps as objects (keys as strings),
 * bytes as {@code {"$bytes": "<base64>"}} and references as {@code {"$ref": "<key>"}}. One value per
 * line: the output never contains a raw newline.
 * <p>
 * <b>Note:</b> stateless and thread-safe; allocates (the control path of a process call).
 */
public final class JsonValues
{
    private JsonValues()
    {
    }

    /**
     * @param value as {@link Values} maps it.
     * @return its JSON text on one line.
     */
    public static String toJson(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(final Object value, final StringBuilder out)
    {
        if (null == value)
        {
            out.append("null");
        }
        else if (value instanceof Boolean)
        {
            out.append(value);
        }
        else if (value instanceof Double || value instanceof Float)
        {
            final double d = ((Number)value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d))
            {
                throw new IllegalArgumentException("JSON has no " + d);
            }
            out.append(d);
        }
        else if (value instanceof Number)
        {
            out.append(((Number)value).longValue());
        }
        else if (value instanceof String)
        {
            writeString((String)value, out);
        }
        else if (value instanceof byte[])
        {
            out.append("{\"$bytes\":");
            writeString(Base64.getEncoder().encodeToString((byte[])value), out);
            out.append('}');
        }
        else if (value instanceof Reference)
        {
            out.append("{\"$ref\":");
            writeString(((Reference)value).key(), out);
            out.append('}');
        }
        else if (value instanceof List)
        {
            out.append('[');
            boolean first = true;
            for (final Object element : (List<?>)value)
            {
                if (!first)
                {
                    out.append(',');
                }
                first = false;
                write(element, out);
            }
            out.append(']');
        }
        else if (value instanceof Map)
        {
            out.append('{');
            boolean first = true;
            for (final Map.Entry<?, ?> entry : ((Map<?, ?>)value).entrySet())
            {
                if (!first)
                {
                    out.append(',');
                }
                first = false;
                writeString(String.valueOf(entry.getKey()), out);
                out.append(':');
                write(entry.getValue(), out);
            }
            out.append('}');
        }
        else
        {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void writeString(final String text, final StringBuilder out)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                    break;
            }
        }
        out.append('"');
    }

    /**
     * A process function's command: a non-empty JSON array of strings, checked the same way where it is registered
     * and where it runs.
     *
     * @param json the command as registered.
     * @return its parts.
     * @throws IllegalArgumentException if the text is not a non-empty JSON array of strings (the message holds no
     *                                  position, so a flood of bad commands counts as one kind of error).
     */
    public static java.util.List<String> command(final String json)
    {
        final Object parsed;
        try
        {
            parsed = fromJson(json);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("a process function's command is not JSON");
        }
        if (!(parsed instanceof java.util.List) || ((java.util.List<?>)parsed).isEmpty())
        {
            throw new IllegalArgumentException("a process function's command is a non-empty JSON array");
        }
        final java.util.List<String> command = new java.util.ArrayList<>();
        for (final Object part : (java.util.List<?>)parsed)
        {
            if (!(part instanceof String))
            {
                throw new IllegalArgumentException("a process function's command parts must be strings");
            }
            command.add((String)part);
        }
        return command;
    }

    /**
     * @param json one JSON value.
     * @return it as {@link Values} maps values.
     * @throws IllegalArgumentException if the text is not JSON.
     */
    public static Object fromJson(final String json)
    {
        final Parser parser = new Parser(json);
        final Object value = parser.value();
        parser.skipWhitespace();
        if (parser.position != json.length())
        {
            throw parser.error("trailing characters");
        }
        return value;
    }

    private static final class Parser
    {
        private final String text;
        private int position;

        Parser(final String text)
        {
            this.text = text;
        }

        Object value()
        {
            skipWhitespace();
            if (position >= text.length())
            {
                throw error("unexpected end");
            }
            final char c = text.charAt(position);
            switch (c)
            {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private Object object()
        {
            position++;
            final Map<String, Object> map = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}')
            {
                position++;
                return map;
            }
            while (true)
            {
                skipWhitespace();
                final String key = string();
                skipWhitespace();
                expect(':');
                map.put(key, value());
                skipWhitespace();
                if (peek() == ',')
                {
                    position++;
                    continue;
                }
                expect('}');
                break;
            }
            if (map.size() == 1 && map.get("$bytes") instanceof String)
            {
                return Base64.getDecoder().decode((String)map.get("$bytes"));
            }
            if (map.size() == 1 && map.get("$ref") instanceof String)
            {
                return Reference.of((String)map.get("$ref"));
            }
            return map;
        }

        private List<Object> array()
        {
            position++;
            final List<Object> list = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']')
            {
                position++;
                return list;
            }
            while (true)
            {
                list.add(value());
                skipWhitespace();
                if (peek() == ',')
                {
                    position++;
                    continue;
                }
                expect(']');
                return list;
            }
        }

        private String string()
        {
            expect('"');
            final StringBuilder out = new StringBuilder();
            while (true)
            {
                if (position >= text.length())
                {
                    throw error("unterminated string");
                }
                final char c = text.charAt(position++);
                if (c == '"')
                {
                    return out.toString();
                }
                if (c != '\\')
                {
                    out.append(c);
                    continue;
                }
                if (position >= text.length())
                {
                    throw error("unterminated escape");
                }
                final char escaped = text.charAt(position++);
                switch (escaped)
                {
                    case '"':
                    case '\\':
                    case '/':
                        out.append(escaped);
                        break;
                    case 'b':
                        out.append('\b');
                        break;
                    case 'f':
                        out.append('\f');
                        break;
                    case 'n':
                        out.append('\n');
                        break;
                    case 'r':
                        out.append('\r');
                        break;
                    case 't':
                        out.append('\t');
                        break;
                    case 'u':
                        if (position + 4 > text.length())
                        {
                            throw error("short \\u escape");
                        }
                        try
                        {
                            out.append((char)Integer.parseInt(text.substring(position, position + 4), 16));
                        }
                        catch (final NumberFormatException ex)
                        {
                            throw error("bad \\u escape");
                        }
                        position += 4;
                        break;
                    default:
                        throw error("bad escape \\" + escaped);
                }
            }
        }

        private Object number()
        {
            final int start = position;
            while (position < text.length() && "+-0123456789.eE".indexOf(text.charAt(position)) >= 0)
            {
                position++;
            }
            final String number = text.substring(start, position);
            if (number.isEmpty())
            {
                throw error("unexpected character");
            }
            try
            {
                if (number.indexOf('.') < 0 && number.indexOf('e') < 0 && number.indexOf('E') < 0)
                {
                    return Long.parseLong(number);
                }
                return Double.parseDouble(number);
            }
            catch (final NumberFormatException ex)
            {
                throw error("bad number " + number);
            }
        }

        private Object literal(final String word, final Object value)
        {
            if (!text.startsWith(word, position))
            {
                throw error("unexpected character");
            }
            position += word.length();
            return value;
        }

        private char peek()
        {
            if (position >= text.length())
            {
                throw error("unexpected end");
            }
            return text.charAt(position);
        }

        private void expect(final char c)
        {
            if (peek() != c)
            {
                throw error("expected '" + c + "'");
            }
            position++;
        }

        void skipWhitespace()
        {
            while (position < text.length() && Character.isWhitespace(text.charAt(position)))
            {
                position++;
            }
        }

        IllegalArgumentException error(final String what)
        {
            return new IllegalArgumentException("invalid JSON at " + position + ": " + what);
        }
    }
}
