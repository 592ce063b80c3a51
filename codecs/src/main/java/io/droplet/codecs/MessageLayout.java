package io.droplet.codecs;

import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The structure of one message, or of one repeating group inside it, compiled from the IR into
 * flat arrays so that {@link FrameValidator} can walk a frame without allocating.
 * <p>
 * <b>Note:</b> immutable after construction and thread-safe.
 */
final class MessageLayout
{
    final String name;
    final int templateId;
    final int blockLength;
    final int correlationIdOffset;
    final int replyToOffset;
    final int[] enumOffsets;
    final int[] enumLengths;
    final long[][] enumValidValues;
    final MessageLayout[] groups;
    final int[] varDataLengthSizes;

    private MessageLayout(
        final String name,
        final int templateId,
        final int blockLength,
        final List<Token> body)
    {
        this.name = name;
        this.templateId = templateId;
        this.blockLength = blockLength;

        final List<Token> fields = new ArrayList<>();
        int i = collect(Signal.BEGIN_FIELD, body, 0, fields);
        final List<Token> groupTokens = new ArrayList<>();
        i = collect(Signal.BEGIN_GROUP, body, i, groupTokens);
        final List<Token> varData = new ArrayList<>();
        collect(Signal.BEGIN_VAR_DATA, body, i, varData);

        int correlationOffset = -1;
        int replyOffset = -1;
        int sessionOffset = -1;
        final List<int[]> enums = new ArrayList<>();
        final List<long[]> enumValues = new ArrayList<>();
        for (int f = 0; f < fields.size(); )
        {
            final Token field = fields.get(f);
            final Token type = fields.get(f + 1);
            if (field.signal() == Signal.BEGIN_FIELD)
            {
                if ("correlationId".equals(field.name()) && type.encodedLength() == 8)
                {
                    correlationOffset = type.offset();
                }
                else if ("replyTo".equals(field.name()) && type.encodedLength() == 8)
                {
                    replyOffset = type.offset();
                }
                else if ("sessionId".equals(field.name()) && type.encodedLength() == 8)
                {
                    sessionOffset = type.offset();
                }

                // A constant field (a schema-level constant such as CallDag.allSources) is not on the wire.
                if (type.signal() == Signal.BEGIN_ENUM && !field.isConstantEncoding() && !type.isConstantEncoding())
                {
                    final long[] valid = validValues(fields, f + 1);
                    enums.add(new int[]{ type.offset(), type.encodedLength() });
                    enumValues.add(valid);
                }
            }
            f += field.componentTokenCount();
        }

        this.correlationIdOffset = correlationOffset;
        // Registry requests name their caller's node in sessionId (they have no replyTo): answer there.
        this.replyToOffset = replyOffset >= 0 ? replyOffset : sessionOffset;
        this.enumOffsets = new int[enums.size()];
        this.enumLengths = new int[enums.size()];
        this.enumValidValues = new long[enums.size()][];
        for (int e = 0; e < enums.size(); e++)
        {
            enumOffsets[e] = enums.get(e)[0];
            enumLengths[e] = enums.get(e)[1];
            enumValidValues[e] = enumValues.get(e);
        }

        final List<MessageLayout> nested = new ArrayList<>();
        for (int g = 0; g < groupTokens.size(); )
        {
            final Token groupToken = groupTokens.get(g);
            final int end = g + groupToken.componentTokenCount();
            // BEGIN_GROUP, then the dimension composite, then the group's own body, then END_GROUP.
            final Token dimensions = groupTokens.get(g + 1);
            final int bodyStart = g + 1 + dimensions.componentTokenCount();
            nested.add(new MessageLayout(
                groupToken.name(), -1, groupToken.encodedLength(), groupTokens.subList(bodyStart, end - 1)));
            g = end;
        }
        this.groups = nested.toArray(new MessageLayout[0]);

        final List<Integer> lengthSizes = new ArrayList<>();
        for (int v = 0; v < varData.size(); )
        {
            final Token begin = varData.get(v);
            // BEGIN_VAR_DATA, BEGIN_COMPOSITE, ENCODING(length), ENCODING(varData), END_COMPOSITE, END_VAR_DATA
            lengthSizes.add(varData.get(v + 2).encodedLength());
            v += begin.componentTokenCount();
        }
        this.varDataLengthSizes = lengthSizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Compiles the layout of a message from its IR tokens.
     *
     * @param tokens of the message, BEGIN_MESSAGE to END_MESSAGE.
     * @return the layout.
     */
    static MessageLayout ofMessage(final List<Token> tokens)
    {
        final Token begin = tokens.get(0);
        return new MessageLayout(begin.name(), begin.id(), begin.encodedLength(), tokens.subList(1, tokens.size() - 1));
    }

    private static int collect(final Signal signal, final List<Token> tokens, final int index, final List<Token> out)
    {
        int i = index;
        while (i < tokens.size())
        {
            final Token token = tokens.get(i);
            if (signal != token.signal())
            {
                break;
            }
            final int count = token.componentTokenCount();
            out.addAll(tokens.subList(i, i + count));
            i += count;
        }
        return i;
    }

    private static long[] validValues(final List<Token> tokens, final int beginEnum)
    {
        final Token begin = tokens.get(beginEnum);
        final List<Long> values = new ArrayList<>();
        for (int i = beginEnum + 1; i < beginEnum + begin.componentTokenCount() - 1; i++)
        {
            final Encoding encoding = tokens.get(i).encoding();
            values.add(encoding.constValue().longValue());
        }
        final long[] result = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(result);
        return result;
    }
}
