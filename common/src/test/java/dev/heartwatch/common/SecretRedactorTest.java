package dev.heartwatch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {
    private final SecretRedactor redactor = new SecretRedactor(List.of("S3cretK3y"));

    @Test
    void redactsKeysQueryStringsAndSecretPairs() {
        assertEquals("key [redacted] here", redactor.redact("key s3cretk3y here"));
        assertEquals("GET https://a.example/api/ping?[redacted] failed",
                redactor.redact("GET https://a.example/api/ping?device=x&other=1 failed"));
        assertEquals("sig=[redacted]&token=[redacted]", redactor.redact("sig=abc&token=def"));
        assertEquals("x-functions-key: [redacted]", redactor.redact("x-functions-key: abc"));
        assertEquals("barcode=123", redactor.redact("barcode=123"), "only whole names");
        assertEquals("Server returned HTTP response code: 500 for URL: http://h:1/p?[redacted]",
                redactor.redact("Server returned HTTP response code: 500 for URL: http://h:1/p?code=zzz"));
    }

    @Property(tries = 300)
    void theKeyNeverSurvivesWhateverSurroundsIt(@ForAll("text") String before, @ForAll("text") String after,
                                                @ForAll boolean upper) {
        String key = upper ? "S3CRETK3Y" : "S3cretK3y";
        String out = redactor.redact(before + key + after);
        assertFalse(out.toLowerCase(Locale.ROOT).contains("s3cretk3y"), out);
    }

    @Property(tries = 300)
    void noQueryValueSurvivesInAUrl(@ForAll("value") String value) {
        String out = SecretRedactor.none().redact("failed: https://host.example/api/ping?code=" + value + " after");
        assertFalse(out.contains(value), out);
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().withChars("ab =&?:/\"' \n%code").ofMaxLength(20);
    }

    @Provide
    Arbitrary<String> value() {
        return Arbitraries.strings().alpha().numeric().ofMinLength(6).ofMaxLength(30);
    }
}
