package dev.heartwatch.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressTest {
    @ParameterizedTest
    @CsvSource({
            "203.0.113.7, 203.0.113.7",
            "203.0.113.7:51234, 203.0.113.7",
            "'  198.51.100.1 ', 198.51.100.1",
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "[2001:db8::1]:443, 2001:db8::1",
            "fe80::1%eth0, fe80::1",
            "::1, ::1",
            "2001:db8:0:1:0:0:0:0, 2001:db8:0:1::",
            "::ffff:192.0.2.1, 192.0.2.1"
    })
    void validAddressesAreCanonical(String raw, String expected) {
        assertEquals(Optional.of(expected), ClientAddress.parse(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "evil.example", "1.2.3", "01.2.3.4", "256.1.1.1", "1.2.3.4:99999x",
            "1.2.3.4, 5.6.7.8", "[::1", "::1]:80", "1.2.3.4:", "", "12345::1::2", "\r\n1.1.1.1", "g::1"})
    void anythingElseIsDropped(String raw) {
        assertEquals(Optional.empty(), ClientAddress.parse(raw));
    }

    @Test
    void xClientIpWinsOverForwardedFor() {
        assertEquals(Optional.of("192.0.2.9"), ClientAddress.fromHeaders("192.0.2.9", "1.2.3.4"));
    }

    @Test
    void theLastForwardedHopIsTheOneThePlatformAppended() {
        assertEquals(Optional.of("192.0.2.9"), ClientAddress.fromHeaders(null, "6.6.6.6, 192.0.2.9"));
    }

    @Test
    void aGarbageXClientIpIsNotReplacedByForwardedFor() {
        assertEquals(Optional.empty(), ClientAddress.fromHeaders("garbage", "192.0.2.9"));
    }
}
