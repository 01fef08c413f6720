package dev.heartwatch.function.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.channels.support.AzuriteService;
import dev.heartwatch.function.support.TestTokens;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conditional writes the dedupe rests on, against a real Azurite Table service (HTTPS, OAuth). */
@Tag("full")
class StateTableAzuriteTest {
    @TempDir
    static Path dir;
    static TestCa ca;
    static AzuriteService azurite;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.create(dir);
        azurite = AzuriteService.start(AzuriteService.Kind.TABLE, dir, ca);
    }

    @AfterAll
    static void stop() {
        if (azurite != null) {
            azurite.close();
        }
    }

    StateTable table(String name, TokenSource tokens) {
        return new StateTable(azurite.endpoint(), name, tokens, HttpClient.newBuilder().sslContext(ca.client()).build(),
                Duration.ofSeconds(10));
    }

    @Test
    void theFirstInsertWinsAndAStaleEtagCannotOverwrite() {
        StateTable t = table("conditional", TestTokens.of(Instant.now()));
        String row = StateTable.key("/subscriptions/x/alerts/1", "Fired", "slack");
        assertTrue(t.insert("sent", row, Map.of("Status", "claimed")));
        assertFalse(t.insert("sent", row, Map.of("Status", "claimed")), "a second insert of the same key is refused (409)");
        StateTable.Row first = t.get("sent", row).orElseThrow();
        assertEquals("claimed", first.get("Status"));
        assertTrue(t.replace("sent", row, Map.of("Status", "delivered"), first.etag()));
        assertFalse(t.replace("sent", row, Map.of("Status", "retry"), first.etag()), "a stale ETag is refused (412)");
        assertEquals("delivered", t.get("sent", row).orElseThrow().get("Status"));
        assertEquals(Optional.empty(), t.get("sent", StateTable.key("never written")));
    }

    @Test
    void threadStateKeepsTheFirstNumber() {
        StateTable t = table("threads", TestTokens.of(Instant.now()));
        assertEquals(Optional.empty(), t.get("github:acme/net:pi@2026-12-01T10:06:12Z"));
        assertEquals(7L, t.putIfAbsent("github:acme/net:pi@2026-12-01T10:06:12Z", 7));
        assertEquals(7L, t.putIfAbsent("github:acme/net:pi@2026-12-01T10:06:12Z", 8));
        assertEquals(Optional.of(7L), t.get("github:acme/net:pi@2026-12-01T10:06:12Z"));
    }

    @Test
    void aRefusedTokenIsUnavailableNotAnEmptyTable() {
        StateTable t = table("refused", scope -> "not-a-jwt");
        assertThrows(StateTable.Unavailable.class, () -> t.get("sent", StateTable.key("x")));
    }
}
