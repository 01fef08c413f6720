package dev.heartwatch.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpLiteralTest {
    @ParameterizedTest
    @CsvSource({"127.0.0.1, 127.0.0.1", "::1, 0:0:0:0:0:0:0:1", "[::1], 0:0:0:0:0:0:0:1",
        "2001:DB8::1, 2001:db8:0:0:0:0:0:1", "::ffff:10.0.0.1, 10.0.0.1", "64:ff9b::192.0.2.33, 64:ff9b:0:0:0:0:c000:221"})
    void literalsParse(String text, String canonical) {
        assertEquals(canonical, IpLiteral.parse(text).getHostAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "999.1.1.1", "01.2.3.4", "1.2.3.4 ", "12345", "heartwatch.test",
        "localhost", "a::b::c", "::1%eth0", "[::1", "1.2.3.-4", "fe80::1:2:3:4:5:6:7:8", "::1.2.3"})
    void anythingElseIsNotAnAddressAndIsNeverLookedUp(String text) {
        assertNull(IpLiteral.parse(text), text);
    }

    @Test
    void blocksAreCidrOfTheSameFamily() {
        byte[] ten = IpLiteral.bytes("10.200.3.4");
        assertTrue(IpLiteral.inBlock(ten, "10.0.0.0/8"));
        assertTrue(IpLiteral.inBlock(ten, "10.200.3.4"));
        assertTrue(IpLiteral.inBlock(ten, "0.0.0.0/0"));
        assertFalse(IpLiteral.inBlock(ten, "11.0.0.0/8"));
        assertFalse(IpLiteral.inBlock(ten, "10.0.0.0/33"));
        assertFalse(IpLiteral.inBlock(ten, "10.0.0.0/"));
        assertFalse(IpLiteral.inBlock(ten, "10.0.0.0/-1"));
        assertFalse(IpLiteral.inBlock(ten, "::/0"), "another family");
        assertTrue(IpLiteral.inBlock(IpLiteral.bytes("fd00::5"), "fd00::/8"));
        assertFalse(IpLiteral.inBlock(IpLiteral.bytes("fe00::5"), "fd00::/8"));
        assertArrayEquals(new byte[] {127, 0, 0, 1}, IpLiteral.bytes("127.0.0.1"));
    }
}
