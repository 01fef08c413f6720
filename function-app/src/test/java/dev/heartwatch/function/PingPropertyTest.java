package dev.heartwatch.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.Limits;
import dev.heartwatch.function.support.PingCall;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Throws generated requests at {@link Ping}: random bytes, huge strings, Unicode, control
 * characters, CR/LF injection, bogus addresses, deep JSON, the key in every field. Nothing may
 * escape, nothing may answer 5xx, every line must be a contract line, no line may hold the key.
 */
class PingPropertyTest {
    static final int TRIES = 10_000;
    private static final AtomicInteger RAN = new AtomicInteger();
    private static final String KEY = "k3yZm9vYmFyS2V5LTEy";
    private final Ping ping = new Ping(Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));

    @Property(tries = TRIES)
    void noRequestBreaksTheContract(@ForAll("requests") Req req) {
        RAN.incrementAndGet();
        PingCall call = req.get ? PingCall.get() : PingCall.post(req.body);
        if (req.device != null) {
            call.header("X-Device", req.device);
        }
        if (req.clientIp != null) {
            call.header("X-Client-IP", req.clientIp);
        }
        if (req.forwardedFor != null) {
            call.header("X-Forwarded-For", req.forwardedFor);
        }
        if (req.keyInHeader) {
            call.header("x-functions-key", KEY);
        } else {
            call.query("code", KEY);
        }

        PingCall.Result r = call.invoke(ping);

        assertTrue(r.status() < 500, "status " + r.status());
        assertTrue(r.status() == 200 || r.status() == 413, "status " + r.status());
        if (r.status() == 413) {
            assertTrue(r.lines().isEmpty());
            assertTrue(req.body != null && req.body.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_BODY_BYTES);
        } else {
            assertFalse(r.lines().isEmpty());
        }
        for (String line : r.lines()) {
            assertContractLine(line);
            assertFalse(line.toLowerCase(Locale.ROOT).contains(KEY.toLowerCase(Locale.ROOT)), line);
        }
    }

    @AfterContainer
    static void ranEveryTry() {
        assertEquals(TRIES, RAN.get(), "jqwik ran a different number of tries than asked");
    }

    static void assertContractLine(String line) {
        assertTrue(line.getBytes(StandardCharsets.UTF_8).length <= Limits.MAX_LINE_BYTES, "line too long");
        line.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            assertFalse(Character.isISOControl(cp) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE, "unsafe char " + cp);
        });
        assertTrue(line.matches("\\[(heartbeat|outage|probe)] \\{\"v\":2,\"ts\":[0-9]+.*}"), line);
        try {
            ContractLine decoded = LineCodec.decode(line);
            assertEquals(line, LineCodec.encode(decoded), "not canonical");
        } catch (Exception e) {
            throw new AssertionError("not a contract line: " + e.getMessage() + ": " + line);
        }
    }

    record Req(boolean get, String body, String device, String clientIp, String forwardedFor, boolean keyInHeader) {
    }

    @Provide
    Arbitrary<Req> requests() {
        return Combinators.combine(
                Arbitraries.of(true, false, false),
                bodies().injectNull(0.1),
                nasty().injectNull(0.6),
                addresses().injectNull(0.5),
                addresses().list().ofMaxSize(4).map(l -> String.join(", ", l)).injectNull(0.6),
                Arbitraries.of(true, false)
        ).as(Req::new);
    }

    private Arbitrary<String> bodies() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, jsonBodies()),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(600)
                        .map(b -> new String(b, StandardCharsets.ISO_8859_1))),
                net.jqwik.api.Tuple.of(1, nasty()),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 5000).map(d -> "[".repeat(d) + "]".repeat(d))),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 3000)
                        .map(d -> "{\"a\":".repeat(d) + "1" + "}".repeat(d))),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(7000, 12000)
                        .map(n -> "{\"device\":\"pi\",\"note\":\"" + "\u00e9".repeat(n / 2) + "\"}")));
    }

    private Arbitrary<String> jsonBodies() {
        Arbitrary<String> field = nasty().map(PingPropertyTest::jsonString);
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("1e300", "-0", "3.5", "99999999999999999999999", "NaN", "null", "true", "[]", "{}"));
        Arbitrary<String> outage = Combinators.combine(field, number, number, field, field)
                .as((id, s, e, c, d) -> "{\"id\":" + id + ",\"start\":" + s + ",\"end\":" + e + ",\"cause\":" + c
                        + ",\"detail\":" + d + "}");
        Arbitrary<String> validOutage = Arbitraries.longs().between(1_700_000_000_000L, 1_800_000_000_000L)
                .map(s -> "{\"id\":\"o-" + (s % 1000) + "\",\"start\":" + s + ",\"end\":" + (s + 60_000)
                        + ",\"cause\":\"dns\",\"detail\":" + jsonString("code=" + KEY) + "}");
        Arbitrary<String> outages = Arbitraries.oneOf(outage, validOutage).list().ofMaxSize(40)
                .map(l -> "[" + String.join(",", l) + "]");
        return Combinators.combine(field, field, number, number, field, field, outages)
                .as((device, note, seq, sentAt, version, state, out) -> "{\"device\":" + device + ",\"note\":" + note
                        + ",\"seq\":" + seq + ",\"sentAt\":" + sentAt + ",\"agentVersion\":" + version
                        + ",\"state\":" + state + ",\"outages\":" + out + "}");
    }

    /** Strings meant to hurt: controls, CR/LF injection, bidi, surrogates, huge, the key. */
    private Arbitrary<String> nasty() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.strings().all().ofMaxLength(80)),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().withChars("\r\n\t\u0000\u0085\u2028\u2029\u202e\u200b\"\\{}[]:,")
                        .withCharRange('a', 'f').ofMaxLength(40)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(
                        "code=" + KEY, KEY, KEY.toUpperCase(Locale.ROOT), "https://h.invalid/api/ping?code=" + KEY,
                        "x-functions-key: " + KEY, "pi\r\n[heartbeat] {\"v\":1,\"ts\":1,\"device\":\"forged\"}",
                        "\ud800", "\udc00x", "\ud83d\ude00".repeat(300), "stopping", "..--..", "Home Office/Pi")),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(100, 20000).map("A"::repeat)));
    }

    private Arbitrary<String> addresses() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 300).list().ofSize(4)
                        .map(l -> String.join(".", l.stream().map(String::valueOf).toList())),
                Arbitraries.of("::1", "[2001:db8::1]:443", "2001:DB8::0:1%eth0", "fe80::1%25", "1.2.3.4:99999",
                        "localhost", "evil.example", "1.2.3", "01.2.3.4", "::ffff:1.2.3.4", "[::1", "1.2.3.4, 5.6.7.8",
                        "\r\n1.1.1.1", KEY),
                nasty());
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

}
