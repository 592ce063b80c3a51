package io.droplet.codecs;

import io.droplet.codecs.sbe.MessageHeaderDecoder;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.xml.IrGenerator;
import uk.co.real_logic.sbe.xml.MessageSchema;
import uk.co.real_logic.sbe.xml.ParserOptions;
import uk.co.real_logic.sbe.xml.XmlSchemaParser;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.OutputStream;

/**
 * The wire schema as data: its id, version and intermediate representation (IR), parsed once from
 * the same XML the flyweights are generated from, so validation can never drift from the codecs.
 * <p>
 * Wire constants live in the schema too, as generated enums: {@link io.droplet.codecs.sbe.StageSelector}
 * ({@code ALL_SOURCES}, the {@code CallDag} stage that feeds every source stage) and
 * {@link io.droplet.codecs.sbe.Role} (the bits of {@code Heartbeat.roles}). SBE generates an enum only when
 * a message names it, so each is named by a constant field ({@code CallDag.allSources},
 * {@code Heartbeat.roleValues}) that takes no room on the wire.
 * <p>
 * <b>Note:</b> thread-safe; the IR is parsed lazily on first use and shared.
 */
public final class WireSchema
{
    /** Class-path location of the schema. */
    public static final String RESOURCE = "/io/droplet/codecs/droplet-schema.xml";
    /** The schema id every Droplet frame carries. */
    public static final int SCHEMA_ID = MessageHeaderDecoder.SCHEMA_ID;
    /** The newest schema version this build encodes and understands. */
    public static final int SCHEMA_VERSION = MessageHeaderDecoder.SCHEMA_VERSION;
    /** Length of the message header that precedes every message. */
    public static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    private WireSchema()
    {
    }

    /**
     * @return the schema's IR, parsed on first call.
     */
    public static Ir ir()
    {
        return Holder.IR;
    }

    private static final class Holder
    {
        static final Ir IR = load();

        private static Ir load()
        {
            try (InputStream in = WireSchema.class.getResourceAsStream(RESOURCE))
            {
                if (null == in)
                {
                    throw new IllegalStateException("schema not on class path: " + RESOURCE);
                }
                final ParserOptions options = ParserOptions.builder()
                    .stopOnError(true)
                    .suppressOutput(true)
                    .errorPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .build();
                final MessageSchema schema = XmlSchemaParser.parse(in, options);
                return new IrGenerator().generate(schema);
            }
            catch (final RuntimeException ex)
            {
                throw ex;
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("cannot parse wire schema " + RESOURCE, ex);
            }
        }
    }
}
