package dev.heartwatch.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class DeviceIdTest {
    @Test
    void spacesAndSlashesBecomeOneDashAndCaseIsLowered() {
        assertEquals("home-office-pi", DeviceId.normalize("Home Office/Pi"));
    }

    @Test
    void compatibilityFormsAreFoldedByNfkc() {
        assertEquals("pi2", DeviceId.normalize("\uff30\uff49\u00b2")); // fullwidth "Pi" and superscript two
    }

    @Test
    void punctuationOnlyIsNoDevice() {
        assertEquals("", DeviceId.normalize("  ..--//  "));
    }

    @Test
    void leadingAndTrailingDotsAndDashesAreRemoved() {
        assertEquals("a.b_c", DeviceId.normalize("..a.b_c--"));
    }

    @Test
    void cutAt64Characters() {
        assertEquals(64, DeviceId.normalize("x".repeat(500)).length());
    }

    @Test
    void aCutThatEndsInADashIsTrimmed() {
        assertEquals("a".repeat(63), DeviceId.normalize("a".repeat(63) + " b"));
    }

    @Test
    void validityIsBeingNormalisedAndNonEmpty() {
        assertTrue(DeviceId.isValid("home-pi"));
        assertFalse(DeviceId.isValid("Home-Pi"));
        assertFalse(DeviceId.isValid(""));
    }

    @Property(tries = 2000)
    void normalisingIsIdempotentAndSafe(@ForAll String raw) {
        String id = DeviceId.normalize(raw);
        assertEquals(id, DeviceId.normalize(id));
        assertTrue(id.matches("([a-z0-9_]([a-z0-9._-]{0,62}[a-z0-9_])?)?"), id);
    }
}
