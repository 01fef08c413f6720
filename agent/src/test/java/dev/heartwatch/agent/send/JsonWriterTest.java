package dev.heartwatch.agent.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    @Test
    void writesCompactObjectsWithArrays() {
        String json = new JsonWriter().beginObject().field("a", "x").field("n", 5).beginArray("o")
                .beginObject().field("id", "1").endObject().beginObject().field("id", "2").endObject()
                .endArray().endObject().toString();
        assertEquals("{\"a\":\"x\",\"n\":5,\"o\":[{\"id\":\"1\"},{\"id\":\"2\"}]}", json);
    }

    @Test
    void escapesQuotesBackslashesAndEveryLineBreaker() {
        String json = new JsonWriter().beginObject().field("s", "q\"b\\n\nr\r\u0001\u2028\u0085").endObject().toString();
        assertEquals("{\"s\":\"q\\\"b\\\\n\\nr\\r\\u0001\\u2028\\u0085\"}", json);
    }

    @Property(tries = 500)
    void noRawControlCharacterEverReachesTheOutput(@ForAll String s) {
        String json = new JsonWriter().beginObject().field("s", s).endObject().toString();
        for (char c : json.toCharArray()) {
            assertFalse(c < 0x20 || c == '\u2028' || c == '\u2029' || (c >= 0x7f && c <= 0x9f), json);
        }
    }
}
