package dev.heartwatch.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class FreeTextTest {
    @Test
    void newlinesAndControlsBecomeSingleSpaces() {
        assertEquals("a b c", FreeText.clean("a\r\n\u0000b\tc", 200));
    }

    @Test
    void bidiOverridesAndZeroWidthAreRemoved() {
        assertEquals("evil txt", FreeText.clean("evil\u202etxt\u200b", 200));
    }

    @Test
    void unicodeLineSeparatorsCannotSplitALine() {
        assertEquals("one two three", FreeText.clean("one\u2028two\u2029three\u0085", 200));
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        String out = FreeText.clean("\ud83d\ude00".repeat(300), 200);
        assertEquals(200, out.codePointCount(0, out.length()));
        assertFalse(Character.isHighSurrogate(out.charAt(out.length() - 1)));
    }

    @Test
    void unpairedSurrogatesAreRemoved() {
        assertEquals("a b", FreeText.clean("a\ud800b", 200));
    }

    @Test
    void composedFormIsNfc() {
        assertEquals("\u00e9", FreeText.clean("e\u0301", 200));
    }

    @Property(tries = 2000)
    void resultIsAlwaysSafeAndWithinTheLimit(@ForAll String raw) {
        String out = FreeText.clean(raw, 50);
        assertTrue(out.codePointCount(0, out.length()) <= 50);
        assertEquals(out, out.strip());
        out.codePoints().forEach(cp -> assertFalse(FreeText.isUnsafe(cp) || (cp != ' ' && Character.isWhitespace(cp)),
                "unsafe " + cp));
    }
}
