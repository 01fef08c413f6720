package dev.heartwatch.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.heartwatch.function.support.PingCall;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The peer stack's endpoint (issue 18): one beat, for one id, {@code stack-<HEARTWATCH_PEER_NAME>};
 * everything else refused with nothing written. What it writes is what Ping writes for the beat.
 */
class StackPingTest {
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String PEER_KEY = "peer-function-key-0123456789abcdef0123456";
    /** This stack is northeurope; its peer, the primary, is westeurope. */
    private final StackPing stackPing = new StackPing(CLOCK, Map.of("HEARTWATCH_STACK_NAME", "northeurope",
            "HEARTWATCH_PEER_NAME", "westeurope"));

    private static PingCall beat(String body) {
        return PingCall.post(body).header("Content-Type", "application/json").header("x-functions-key", PEER_KEY)
                .header("X-Client-IP", "198.51.100.4");
    }

    @Test
    void itIsAFunctionKeyedPostOnItsOwnRoute() throws Exception {
        Method run = StackPing.class.getMethod("run", HttpRequestMessage.class, ExecutionContext.class);
        assertEquals("StackPing", run.getAnnotation(FunctionName.class).value());
        HttpTrigger trigger = run.getParameters()[0].getAnnotation(HttpTrigger.class);
        assertNotNull(trigger);
        assertEquals(AuthorizationLevel.FUNCTION, trigger.authLevel(), "its own function key, peer, opens it");
        assertEquals("stack-ping", trigger.route());
        assertEquals(List.of(HttpMethod.POST), List.of(trigger.methods()));
        HttpTrigger ping = Ping.class.getMethod("run", HttpRequestMessage.class, ExecutionContext.class)
                .getParameters()[0].getAnnotation(HttpTrigger.class);
        assertTrue(!ping.route().equals(trigger.route()), "not Ping's route: a function key opens one function");
    }

    @Test
    void thePeersBeatIsWrittenAsPingWritesIt() {
        String body = "{\"device\":\"stack-westeurope\"}";
        PingCall.Result r = beat(body).invoke(stackPing);

        assertEquals(200, r.status(), r.body());
        assertEquals("ok", r.body());
        assertEquals(List.of("[heartbeat] {\"v\":2,\"ts\":" + NOW.toEpochMilli()
                + ",\"device\":\"stack-westeurope\",\"state\":\"running\",\"ip\":\"198.51.100.4\"}"), r.lines());
        // The same line Ping would write for the same beat, were stack-* not refused there.
        PingCall.Result sameAsAnyDevice = beat(body.replace("stack-westeurope", "westeurope")).invoke(new Ping(CLOCK));
        assertEquals(sameAsAnyDevice.lines().get(0).replace("\"westeurope\"", "\"stack-westeurope\""), r.lines().get(0));
    }

    @Test
    void anyOtherDeviceIsRefusedAndNothingWritten() {
        for (String device : List.of("stack-northeurope", "stack-eastus", "home-office-pi", "stack-westeurope2")) {
            PingCall.Result r = beat("{\"device\":\"" + device + "\"}").invoke(stackPing);
            assertEquals(403, r.status(), device);
            assertTrue(r.body().contains("stack-westeurope only"), r.body());
            assertEquals(List.of(), r.lines(), device);
        }
    }

    @Test
    void aProbeABatchAndAnOutageReportAreRefused() {
        PingCall.Result probe = beat("{\"note\":\"smoke\"}").invoke(stackPing);
        assertEquals(403, probe.status());
        assertEquals(List.of(), probe.lines());

        PingCall.Result batch = beat("{\"items\":[{\"device\":\"stack-westeurope\"}]}")
                .header("X-Heartwatch-Batch", "1").invoke(stackPing);
        assertEquals(400, batch.status());
        assertTrue(batch.body().contains("never a batch"), batch.body());
        assertEquals(List.of(), batch.lines());

        PingCall.Result report = beat("{\"device\":\"stack-westeurope\",\"outages\":[{\"id\":\"o-1\","
                + "\"start\":1763700000000,\"end\":1763700060000,\"cause\":\"dns\"}]}").invoke(stackPing);
        assertEquals(400, report.status());
        assertEquals(List.of(), report.lines());
    }

    @Test
    void withoutAPeerNameItTakesNothing() {
        for (Map<String, String> settings : List.of(Map.<String, String>of(), Map.of("HEARTWATCH_PEER_NAME", "West Europe"))) {
            PingCall.Result r = beat("{\"device\":\"stack-westeurope\"}").invoke(new StackPing(CLOCK, settings));
            assertEquals(403, r.status());
            assertTrue(r.body().contains("HEARTWATCH_PEER_NAME"), r.body());
            assertEquals(List.of(), r.lines());
        }
    }

    @Test
    void theKeyIsNeverInTheAnswerOrALine() {
        PingCall.Result r = beat("{\"device\":\"" + PEER_KEY + "\"}").invoke(stackPing);
        assertEquals(403, r.status());
        assertTrue(!r.body().contains(PEER_KEY), r.body());
        assertEquals(List.of(), r.lines());
    }
}
