package dev.heartwatch.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class KeyRedactorTest {
    private final KeyRedactor redactor = new KeyRedactor("AbCdEf123456");

    @Test
    void theKeyIsRedactedWhateverItsCase() {
        assertEquals("x [redacted] y [redacted]", redactor.redact("x abcdef123456 y ABCDEF123456"));
    }

    @Test
    void codePairsAreRedactedEvenWithAnotherKey() {
        assertEquals("code=[redacted]&device=pi", KeyRedactor.none().redact("code=zzz&device=pi"));
    }

    @Test
    void urlQueryStringsAreRemoved() {
        assertEquals("see https://h.invalid/api/ping?[redacted] now",
                KeyRedactor.none().redact("see https://h.invalid/api/ping?device=pi&code=zzz now"));
    }

    @Test
    void aFunctionsKeyHeaderValueIsRedacted() {
        assertFalse(KeyRedactor.none().redact("x-functions-key: zzz").contains("zzz"));
    }

    @Test
    void shortKeysAreNotMatchedAsText() {
        assertEquals("a b c", new KeyRedactor("a").redact("a b c"));
    }
}
