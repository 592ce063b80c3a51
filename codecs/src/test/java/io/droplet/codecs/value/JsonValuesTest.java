package io.droplet.codecs.value;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

@Timeout(30)
class JsonValuesTest
{
    @Test
    void valuesRoundTripThroughJson()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("n", null);
        map.put("flag", true);
        map.put("count", -42L);
        map.put("ratio", 0.25);
        map.put("text", "line\nbreak \"quoted\" \\ tab\t \u0001");
        map.put("list", List.of(1L, "two", List.of()));
        map.put("ref", Reference.of("user:1"));
        final String json = JsonValues.toJson(map);
        assertTrue(json.indexOf('\n') < 0, "one line");
        assertEquals(map, JsonValues.fromJson(json));

        final byte[] bytes = {0, 1, 2, (byte)255};
        assertArrayEquals(bytes, (byte[])JsonValues.fromJson(JsonValues.toJson(bytes)));
    }

    @Test
    void anyStringRoundTrips()
    {
        qt().withExamples(5_000).forAll(strings().allPossible().ofLengthBetween(0, 30)).checkAssert(text ->
            assertEquals(text, JsonValues.fromJson(JsonValues.toJson(text))));
    }

    @Test
    void rejectsNonJson()
    {
        for (final String bad : Arrays.asList("", "{", "[1,", "\"open", "tru", "{\"a\" 1}", "1 2", "\"\\x\""))
        {
            assertThrows(IllegalArgumentException.class, () -> JsonValues.fromJson(bad), bad);
        }
    }
}
