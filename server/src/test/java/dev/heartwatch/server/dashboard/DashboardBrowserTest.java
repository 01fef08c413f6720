package dev.heartwatch.server.dashboard;

import dev.heartwatch.server.http.AccessFilter;
import dev.heartwatch.server.http.KeyRing;
import dev.heartwatch.server.support.LoopbackWebServer;
import dev.heartwatch.channels.support.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The dashboard in headless Chromium (Debian's {@code chromium}; {@code HEARTWATCH_CHROMIUM}
 * overrides the path), served by the real handler over a fixture source on loopback.
 * Screenshots go to {@code target/screenshots/}.
 */
@Tag("full")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    static final Instant NOW = Instant.parse("2026-11-21T18:30:00Z");
    static final String KEY = "browser-test-read-key-0123456789";
    static final Path SHOTS = Path.of("target/screenshots");
    static final String CARDS = "document.querySelectorAll('.card').length";
    static final String SHOW = "JSON.stringify({cards: document.querySelectorAll('.card').length,"
            + " problem: document.getElementById('problem').textContent, updated: document.getElementById('updated').textContent,"
            + " url: location.href})";

    private final MutableClock clock = new MutableClock(NOW);
    private final FixtureSource source = FixtureSource.household(NOW);
    private LoopbackWebServer server;
    private String base;
    private Chromium chromium;

    @BeforeAll
    void start() throws Exception {
        server = new LoopbackWebServer(new AccessFilter(new KeyRing(List.of()), new KeyRing(List.of()),
                DashboardAccess.readKey(KEY), Set.of(), true, new DashboardHandler(source, clock)));
        base = server.base();
        chromium = Chromium.launch();
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void open(int width, int height, boolean mobile) throws Exception {
        chromium.viewport(width, height, mobile);
        chromium.navigate(base + "/?key=" + KEY + "&refresh=1");
        chromium.waitFor(CARDS + " === 5 && document.getElementById('count-total').textContent === '5'",
                Duration.ofSeconds(15), SHOW);
    }

    @Test
    @Order(1)
    void desktopShowsEveryDeviceTheDownOneAndItsOutageCause() throws Exception {
        chromium.prefersColorScheme("light");
        open(1280, 900, false);
        assertEquals(base + "/?refresh=1", chromium.eval("location.href").asText(), "the key left the address bar");
        JsonNode page = chromium.eval("(() => { const cards = [...document.querySelectorAll('.card')];"
                + " const cabin = cards.find(c => c.querySelector('.name').textContent === 'cabin-pi');"
                + " return { names: cards.map(c => c.querySelector('.name').textContent),"
                + "   first: cards[0].querySelector('.name').textContent,"
                + "   cabinStatus: cabin.querySelector('.status').textContent,"
                + "   causes: [...cabin.querySelectorAll('.outage .cause')].map(e => e.textContent),"
                + "   ongoing: cabin.querySelector('.outage.ongoing .end').textContent,"
                + "   open: cabin.querySelector('.outages').open,"
                + "   seen: cabin.querySelector('.seen-rel').textContent,"
                + "   u24: cabin.querySelector('.u24').textContent,"
                + "   down: document.getElementById('count-down').textContent,"
                + "   dots: cabin.querySelectorAll('.trail .dot[data-status=down]').length,"
                + "   scroll: document.documentElement.scrollWidth - window.innerWidth }; })()");
        assertTrue(page.get("names").toString().contains("home-router"), page.toString());
        assertEquals("cabin-pi", page.get("first").asText(), "a down device comes first");
        assertEquals("down", page.get("cabinStatus").asText());
        assertEquals("[\"dns\",\"wifi\"]", page.get("causes").toString(), "newest outage first");
        assertEquals("ongoing", page.get("ongoing").asText());
        assertTrue(page.get("open").asBoolean(), "an ongoing outage opens the list");
        assertEquals("47 min ago", page.get("seen").asText());
        assertEquals("96.70 %", page.get("u24").asText());
        assertEquals("1", page.get("down").asText());
        assertEquals(4, page.get("dots").asInt());
        assertTrue(page.get("scroll").asInt() <= 0, "no horizontal scroll: " + page);
        chromium.screenshot(SHOTS.resolve("dashboard-1280-light.png"));
        assertEquals("[]", chromium.problems.toString());
    }

    @Test
    @Order(1)
    void eachCardShowsItsScheduleItsNextDueAndForACronDeviceItsRunsOnTime() throws Exception {
        open(1280, 900, false);
        JsonNode page = chromium.eval("(() => { const card = n => [...document.querySelectorAll('.card')]"
                + "   .find(c => c.querySelector('.name').textContent === n);"
                + " const nas = card('garage-nas'), router = card('home-router'), laptop = card('old-laptop');"
                + " return { nasSchedule: nas.querySelector('.schedule').textContent,"
                + "   nasDue: nas.querySelector('.due').textContent, nasDueAt: nas.querySelector('.due-at').textContent,"
                + "   nasLastRun: nas.querySelector('.last-run').textContent,"
                + "   nasLastRunShown: !nas.querySelector('.last-run-row').hidden"
                + "     && nas.querySelector('.last-run-row').getBoundingClientRect().height > 0,"
                + "   nasRuns: nas.querySelector('.runs').textContent, nasRunsShown: !nas.querySelector('.runs').hidden,"
                + "   nasU30: nas.querySelector('.u30').textContent, nasL30: nas.querySelector('.l30').textContent,"
                + "   routerSchedule: router.querySelector('.schedule').textContent,"
                + "   routerDue: router.querySelector('.due').textContent,"
                + "   routerL30: router.querySelector('.l30').textContent,"
                + "   routerRunsShown: !router.querySelector('.runs').hidden,"
                + "   routerLastRunHeight: router.querySelector('.last-run-row').getBoundingClientRect().height,"
                + "   laptopSchedule: laptop.querySelector('.schedule').textContent }; })()");
        assertEquals("30 2 * * * Europe/Berlin + 1h", page.get("nasSchedule").asText(), page.toString());
        assertEquals("LATE", page.get("nasDue").asText());
        assertTrue(page.get("nasDueAt").asText().startsWith("due ") && page.get("nasDueAt").asText().contains(", down at "),
                page.toString());
        assertEquals("took 12 min", page.get("nasLastRun").asText());
        assertTrue(page.get("nasLastRunShown").asBoolean(), page.toString());
        assertEquals("Runs on time, 30 d: 27 of 30 runs on time, 1 failed, 2 missed", page.get("nasRuns").asText());
        assertTrue(page.get("nasRunsShown").asBoolean());
        assertEquals("90.00 %", page.get("nasU30").asText());
        assertEquals("30 d runs", page.get("nasL30").asText());
        assertEquals("every 1m + 4m grace", page.get("routerSchedule").asText());
        assertEquals("in 40 s", page.get("routerDue").asText());
        assertEquals("30 d", page.get("routerL30").asText());
        assertFalse(page.get("routerRunsShown").asBoolean());
        assertEquals(0, page.get("routerLastRunHeight").asInt(), "no duration known: no Last run line");
        assertEquals("—", page.get("laptopSchedule").asText(), "no schedule known");
        chromium.screenshot(SHOTS.resolve("dashboard-1280-schedules.png"));
        assertEquals("[]", chromium.problems.toString());
    }

    @Test
    @Order(2)
    void hostileTextStaysText() throws Exception {
        JsonNode page = chromium.eval("(() => { const card = [...document.querySelectorAll('.card')]"
                + ".find(c => c.querySelector('.name').textContent.startsWith('<img'));"
                + " card.querySelector('.outages').open = true;"
                + " return { imgs: document.querySelectorAll('img, svg, script:not([src])').length,"
                + "   name: card.querySelector('.name').textContent,"
                + "   cause: card.querySelector('.outage .cause').textContent,"
                + "   detail: card.querySelector('.outage .detail').textContent }; })()");
        assertEquals(0, page.get("imgs").asInt(), "no element was made from data");
        assertEquals(FixtureSource.HOSTILE, page.get("name").asText());
        assertEquals("<script>alert(2)</script>", page.get("cause").asText());
        assertEquals("\"><svg onload=alert(3)>", page.get("detail").asText());
        assertEquals("[]", chromium.problems.toString(), "no alert dialog, no error");
    }

    @Test
    @Order(3)
    void theThemeToggleSwitchesAndIsRemembered() throws Exception {
        String lightBg = chromium.eval("getComputedStyle(document.body).backgroundColor").asText();
        chromium.eval("document.getElementById('theme-toggle').click()");
        assertEquals("dark", chromium.eval("document.documentElement.dataset.theme").asText());
        String darkBg = chromium.eval("getComputedStyle(document.body).backgroundColor").asText();
        assertNotEquals(lightBg, darkBg);
        assertEquals("dark", chromium.eval("localStorage.getItem('heartwatch-theme')").asText());
        chromium.navigate(base + "/?refresh=1");
        chromium.waitFor(CARDS + " === 5", Duration.ofSeconds(15), SHOW);
        assertEquals(darkBg, chromium.eval("getComputedStyle(document.body).backgroundColor").asText(),
                "the choice survives a reload (system says light)");
        chromium.screenshot(SHOTS.resolve("dashboard-1280-dark.png"));
        chromium.eval("document.getElementById('theme-toggle').click()");
        assertEquals(lightBg, chromium.eval("getComputedStyle(document.body).backgroundColor").asText());

        // With no stored choice, the system's preference decides.
        chromium.eval("localStorage.removeItem('heartwatch-theme')");
        chromium.prefersColorScheme("dark");
        chromium.navigate(base + "/?refresh=1");
        chromium.waitFor(CARDS + " === 5", Duration.ofSeconds(15), SHOW);
        assertEquals(darkBg, chromium.eval("getComputedStyle(document.body).backgroundColor").asText());
        chromium.prefersColorScheme("light");
        assertEquals("[]", chromium.problems.toString());
    }

    @Test
    @Order(4)
    void autoRefreshPicksUpANewHeartbeat() throws Exception {
        chromium.navigate(base + "/?refresh=1");
        chromium.waitFor(CARDS + " === 5", Duration.ofSeconds(15), SHOW);
        String cabin = "[...document.querySelectorAll('.card')].find(c => c.dataset.device === 'cabin-pi')";
        assertEquals("down", chromium.eval(cabin + ".dataset.status").asText());
        clock.advance(Duration.ofMinutes(1));
        source.beat("cabin-pi", clock.instant());
        chromium.waitFor(cabin + ".dataset.status === 'up' && document.getElementById('count-down').textContent === '0'",
                Duration.ofSeconds(10), SHOW);
        assertEquals("just now", chromium.eval(cabin + ".querySelector('.seen-rel').textContent").asText());
        assertEquals(0, chromium.eval(cabin + ".querySelectorAll('.outage.ongoing').length").asInt(),
                "the outage closed");
        assertEquals("[]", chromium.problems.toString());
    }

    @Test
    @Order(5)
    void aPhoneStacksTheCardsWithoutHorizontalScroll() throws Exception {
        open(375, 812, true);
        JsonNode page = chromium.eval("(() => { const cards = [...document.querySelectorAll('.card')];"
                + " const lefts = new Set(cards.map(c => Math.round(c.getBoundingClientRect().left)));"
                + " const widest = Math.max(...[...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().right));"
                + " return { columns: lefts.size, scroll: document.documentElement.scrollWidth - window.innerWidth,"
                + "   inner: window.innerWidth, widest: widest }; })()");
        assertEquals(375, page.get("inner").asInt());
        assertEquals(1, page.get("columns").asInt(), "cards stack: " + page);
        assertTrue(page.get("scroll").asInt() <= 0, "no horizontal scroll: " + page);
        assertTrue(page.get("widest").asDouble() <= 375.5, "nothing sticks out: " + page);
        chromium.screenshot(SHOTS.resolve("dashboard-375.png"));
        assertEquals("[]", chromium.problems.toString());
    }

    @Test
    @Order(6)
    void withoutTheReadKeyTheApiAnswers401() throws Exception {
        assertEquals(401, chromium.eval("fetch('api/devices', {credentials: 'omit'}).then(r => r.status)").asInt());
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base + "/api/devices")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        assertFalse(r.body().contains("cabin-pi"));
    }
}
