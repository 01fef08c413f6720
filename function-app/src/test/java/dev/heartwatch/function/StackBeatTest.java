package dev.heartwatch.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import com.sun.net.httpserver.HttpServer;
import dev.heartwatch.function.support.PingCall;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The timer that beats the peer stack (issue 18 section 3), against the peer's real StackPing behind a loopback stand-in for its host. */
class StackBeatTest {
    static final String PEER_KEY = "peer-function-key-0123456789abcdef0123456";

    /** What the fake Ping received: the key header, the content type and the body. */
    record Received(String method, String key, String contentType, String body, String query) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** The lines the peer's StackPing wrote. */
    private final List<String> written = new CopyOnWriteArrayList<>();
    private HttpServer peer;
    private int answer = 200;

    @BeforeEach
    void fakePeer() throws Exception {
        // The peer app on loopback: its Functions host checks StackPing's function key (authLevel
        // function: the x-functions-key header, before the function runs), then the peer's real
        // StackPing answers, as the peer of a stack named westeurope.
        StackPing stackPing = new StackPing(Clock.systemUTC(), Map.of("HEARTWATCH_PEER_NAME", "westeurope"));
        peer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        peer.createContext("/api/" + StackPing.ROUTE, exchange -> {
            String key = exchange.getRequestHeaders().getFirst("x-functions-key");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), key, exchange.getRequestHeaders().getFirst("Content-Type"),
                    body, exchange.getRequestURI().getRawQuery()));
            int status = answer;
            String text = "";
            if (status == 200 && !PEER_KEY.equals(key)) {
                status = 401;
            } else if (status == 200) {
                PingCall.Result r = PingCall.post(body).header("x-functions-key", key)
                        .header("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"))
                        .header("X-Client-IP", "127.0.0.1").invoke(stackPing);
                status = r.status();
                text = r.body();
                written.addAll(r.lines());
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        peer.start();
    }

    @AfterEach
    void stop() {
        peer.stop(0);
    }

    private String peerUrl() {
        return "http://127.0.0.1:" + peer.getAddress().getPort() + "/api/" + StackPing.ROUTE;
    }

    private Map<String, String> settings() {
        Map<String, String> m = new HashMap<>();
        m.put("HEARTWATCH_PEER_PING_URL", peerUrl());
        m.put("HEARTWATCH_PEER_KEY", PEER_KEY);
        m.put("HEARTWATCH_STACK_NAME", "westeurope");
        m.put("WEBSITE_HOSTNAME", "heartwatch-we.azurewebsites.net");
        return m;
    }

    private static StackBeat.Outcome beat(Map<String, String> settings) {
        return new StackBeat(settings, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()).beat();
    }

    @Test
    void itIsATimerOfEveryMinuteNamedStackBeat() throws Exception {
        Method run = StackBeat.class.getMethod("run", String.class, ExecutionContext.class);
        assertEquals("StackBeat", run.getAnnotation(FunctionName.class).value());
        TimerTrigger timer = run.getParameters()[0].getAnnotation(TimerTrigger.class);
        assertNotNull(timer, "the first parameter is the timer trigger");
        assertEquals("0 */1 * * * *", timer.schedule(), "NCRONTAB, seconds first: second 0 of every minute");
    }

    @Test
    void itPostsOneBeatAsItsOwnStackWithThePeersKeyInTheHeader() {
        assertEquals(StackBeat.Outcome.SENT, beat(settings()));
        assertEquals(1, received.size());
        Received r = received.get(0);
        assertEquals("POST", r.method());
        assertEquals(PEER_KEY, r.key());
        assertEquals(null, r.query(), "never the key in the URL");
        assertEquals("application/json", r.contentType());
        assertEquals("{\"device\":\"stack-westeurope\"}", r.body());
        assertEquals(1, written.size(), "the peer's StackPing took it: " + written);
        assertTrue(written.get(0).startsWith("[heartbeat] {\"v\":2,\"ts\":"), written.get(0));
        assertTrue(written.get(0).contains("\"device\":\"stack-westeurope\",\"state\":\"running\""), written.get(0));
    }

    @Test
    void aStackTheyDoNotPairWithIsRefusedByThePeersStackPing() {
        Map<String, String> stranger = settings();
        stranger.put("HEARTWATCH_STACK_NAME", "eastus");
        assertEquals(StackBeat.Outcome.FAILED, beat(stranger), "the peer pairs with westeurope, not eastus");
        assertTrue(written.isEmpty(), "nothing written: " + written);
    }

    @Test
    void bothSettingsAbsentIsOffAndHalfASettingIsNotABeat() {
        Map<String, String> off = settings();
        off.remove("HEARTWATCH_PEER_PING_URL");
        off.remove("HEARTWATCH_PEER_KEY");
        assertEquals(StackBeat.Outcome.OFF, beat(off));
        Map<String, String> half = settings();
        half.remove("HEARTWATCH_PEER_KEY");
        assertEquals(StackBeat.Outcome.MISCONFIGURED, beat(half));
        Map<String, String> badName = settings();
        badName.put("HEARTWATCH_STACK_NAME", "West Europe");
        assertEquals(StackBeat.Outcome.MISCONFIGURED, beat(badName));
        Map<String, String> keyInUrl = settings();
        keyInUrl.put("HEARTWATCH_PEER_PING_URL", peerUrl() + "?code=" + PEER_KEY);
        assertEquals(StackBeat.Outcome.MISCONFIGURED, beat(keyInUrl));
        assertTrue(received.isEmpty(), "nothing was sent");
    }

    @Test
    void itRefusesToBeatItsOwnHost() {
        Map<String, String> self = settings();
        self.put("WEBSITE_HOSTNAME", "127.0.0.1:" + peer.getAddress().getPort());
        assertEquals(StackBeat.Outcome.REFUSED_SELF, beat(self));
        Map<String, String> sameHost = settings();
        sameHost.put("HEARTWATCH_PEER_PING_URL", "https://Heartwatch-WE.azurewebsites.net/api/stack-ping");
        assertEquals(StackBeat.Outcome.REFUSED_SELF, beat(sameHost), "host names compare without case");
        assertTrue(received.isEmpty());
    }

    @Test
    void aRefusingPeerIsAFailedBeatNotAThrow() {
        answer = 401;
        assertEquals(StackBeat.Outcome.FAILED, beat(settings()));
        peer.stop(0);
        assertEquals(StackBeat.Outcome.FAILED, beat(settings()), "a peer that is gone");
    }
}
