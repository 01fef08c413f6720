package dev.heartwatch.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartwatch.server.http.AccessFilter;
import dev.heartwatch.server.http.KeyRing;
import dev.heartwatch.server.support.LoopbackWebServer;
import dev.heartwatch.channels.support.MutableClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/devices?q=&status=&limit=&after=} over loopback, on the household fixture. */
class DeviceListingTest {
    static final Instant NOW = Instant.parse("2026-11-21T18:30:00Z");
    static final String KEY = "read-key-for-tests-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    private final FixtureSource source = FixtureSource.household(NOW);
    private final HttpClient http = HttpClient.newHttpClient();
    private LoopbackWebServer server;

    @BeforeEach
    void start() throws Exception {
        // Behind the server's one access decision, as in heartwatch-server.
        server = new LoopbackWebServer(new AccessFilter(new KeyRing(List.of()), new KeyRing(List.of()), DashboardAccess.readKey(KEY),
                Set.of(), true, new DashboardHandler(source, new MutableClock(NOW))));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private HttpResponse<String> get(String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/devices" + query))
                .header("x-heartwatch-key", KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode list(String query) throws Exception {
        HttpResponse<String> r = get(query);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static List<String> names(JsonNode body) {
        List<String> out = new ArrayList<>();
        body.get("devices").forEach(d -> out.add(d.get("device").asText()));
        return out;
    }

    @Test
    void theDefaultPageIsInThePagesOrderDownFirstThenByName() throws Exception {
        JsonNode body = list("");
        assertEquals(List.of("cabin-pi", "garage-nas", "old-laptop", FixtureSource.HOSTILE, "home-router"), names(body));
        assertEquals(5, body.get("matched").asInt());
        assertTrue(body.get("next").isNull(), "everything fits the default page of 100");
        assertEquals(0, body.get("probeWarnings").size());
    }

    @Test
    void qFiltersByAPartOfTheNameInAnyCaseAndTheSummaryStillCountsEveryDevice() throws Exception {
        JsonNode body = list("?q=PI");
        assertEquals(List.of("cabin-pi"), names(body));
        assertEquals(1, body.get("matched").asInt());
        assertEquals(5, body.get("summary").get("total").asInt(), "the counts are the fleet's, not the filter's");
        assertEquals(1, body.get("summary").get("down").asInt());
        JsonNode hostile = list("?q=" + URLEncoder.encode("<IMG", StandardCharsets.UTF_8));
        assertEquals(List.of(FixtureSource.HOSTILE), names(hostile), "markup in a name is only text to match");
    }

    @Test
    void statusFiltersByOneOrSeveralStatuses() throws Exception {
        assertEquals(List.of(FixtureSource.HOSTILE, "home-router"), names(list("?status=up")));
        assertEquals(List.of("cabin-pi", "old-laptop"), names(list("?status=stopped,down")));
        assertEquals(List.of(), names(list("?status=retired")));
        assertEquals(List.of("home-router"), names(list("?status=up&q=router")));
    }

    @Test
    void pagesFollowTheCursorWithoutGapsOrRepeats() throws Exception {
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode body = list("?limit=2" + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)));
            assertTrue(body.get("devices").size() <= 2);
            assertEquals(5, body.get("matched").asInt());
            seen.addAll(names(body));
            after = body.get("next").isNull() ? null : body.get("next").asText();
            pages++;
        } while (after != null && pages < 10);
        assertEquals(3, pages);
        assertEquals(List.of("cabin-pi", "garage-nas", "old-laptop", FixtureSource.HOSTILE, "home-router"), seen);
    }

    @Test
    void aDeviceThatChangesStatusBetweenPagesSkipsNoOther() throws Exception {
        JsonNode first = list("?limit=2");
        assertEquals(List.of("cabin-pi", "garage-nas"), names(first));
        source.beat("cabin-pi", NOW); // cabin-pi is up now: it moves behind the cursor's place
        JsonNode second = list("?limit=2&after=" + URLEncoder.encode(first.get("next").asText(), StandardCharsets.UTF_8));
        assertEquals(List.of("old-laptop", FixtureSource.HOSTILE), names(second));
    }

    @Test
    void badListingParametersAre400WithWhatIsAllowed() throws Exception {
        for (String q : List.of("?limit=0", "?limit=1001", "?limit=ten", "?status=sleeping", "?after=nonsense",
                "?after=9:x", "?q=" + "x".repeat(65), "?q=%07bell")) {
            HttpResponse<String> r = get(q);
            assertEquals(400, r.statusCode(), q + " -> " + r.body());
            assertTrue(JSON.readTree(r.body()).get("error").asText().length() > 10, r.body());
        }
    }
}
