package dev.heartwatch.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.OutputBinding;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.QueueOutput;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import dev.heartwatch.function.support.NotifyCall;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The webhook's contract with the action group: key-protected by the host (authLevel FUNCTION:
 * the host answers 401 without the key, so the annotation is what there is to check), POST on
 * route {@code notify}, 202 with a compact queue message, 400 with one sanitised log line for
 * anything that is not the common alert schema.
 */
class NotifyTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static String fixture(String name) throws Exception {
        return Files.readString(Path.of("src/test/resources/alerts/" + name));
    }

    @Test
    void notifyIsAKeyProtectedPostOnRouteNotifyWritingTheAlertQueue() throws Exception {
        Method run = Notify.class.getMethod("run", HttpRequestMessage.class, OutputBinding.class, ExecutionContext.class);
        assertEquals("Notify", run.getAnnotation(FunctionName.class).value());
        Parameter[] p = run.getParameters();
        HttpTrigger http = p[0].getAnnotation(HttpTrigger.class);
        assertEquals(AuthorizationLevel.FUNCTION, http.authLevel(), "the host must refuse a call without the key (401)");
        assertEquals("notify", http.route());
        assertEquals(List.of(HttpMethod.POST), List.of(http.methods()));
        QueueOutput out = p[1].getAnnotation(QueueOutput.class);
        assertEquals("heartwatch-alerts", out.queueName());
        assertEquals("AzureWebJobsStorage", out.connection());
    }

    @Test
    void notifyDeliverIsTriggeredByTheSameQueue() throws Exception {
        Method run = NotifyDeliver.class.getMethod("run", String.class, ExecutionContext.class);
        assertEquals("NotifyDeliver", run.getAnnotation(FunctionName.class).value());
        QueueTrigger trigger = run.getParameters()[0].getAnnotation(QueueTrigger.class);
        assertEquals("heartwatch-alerts", trigger.queueName());
        assertEquals("AzureWebJobsStorage", trigger.connection());
    }

    @Test
    void aFiredIsQueuedCompactlyAndAnswered202() throws Exception {
        NotifyCall.Result r = NotifyCall.post(new Notify(), fixture("log-search-v2-fired.json"));
        assertEquals(202, r.status());
        JsonNode m = JSON.readTree(r.queued());
        assertEquals(1, m.path("v").asInt());
        assertEquals("/subscriptions/00000000-0000-4000-8000-000000000001/providers/Microsoft.AlertsManagement/alerts/"
                + "1b2c3d4e-0000-4000-8000-00000000000a", m.path("alertId").asText());
        assertEquals("Fired", m.path("condition").asText());
        assertEquals("pi", m.path("device").asText());
        assertEquals("2026-12-01T10:06:12.123456700Z", m.path("firedAt").asText());
        assertTrue(m.path("resolvedAt").isMissingNode());
        assertTrue(r.queued().length() < 400, "compact: " + r.queued());
    }

    @Test
    void aResolvedCarriesItsResolvedTime() throws Exception {
        NotifyCall.Result r = NotifyCall.post(new Notify(), fixture("log-search-v2-resolved.json"));
        assertEquals(202, r.status());
        JsonNode m = JSON.readTree(r.queued());
        assertEquals("Resolved", m.path("condition").asText());
        assertEquals("2026-12-01T10:52:03.765432100Z", m.path("resolvedAt").asText());
    }

    @Test
    void whatIsNotTheCommonAlertSchemaGets400AndOneCleanLogLine() throws Exception {
        String fired = fixture("log-search-v2-fired.json");
        // JSON-escaped: the parsed value holds a real ESC, the payload stays valid JSON.
        String hostile = "<script>\\u001b[31m@everyone";
        List<String[]> cases = List.of(
                new String[] {"", "empty body"},
                new String[] {"not json " + hostile, "not JSON"},
                new String[] {"[1,2]", "not a JSON object"},
                new String[] {fired.replace("azureMonitorCommonAlertSchema", hostile), "schemaId is not azureMonitorCommonAlertSchema"},
                new String[] {fired.replace("\"Fired\"", "\"" + hostile + "\""), "monitorCondition is neither Fired nor Resolved"},
                new String[] {fired.replace("\"name\": \"device\"", "\"name\": \"host\""), "no 'device' dimension"},
                new String[] {fired.replace("\"value\": \"pi\"", "\"value\": \"" + hostile + "\""), "not a device name"},
                new String[] {fired.replace("2026-12-01T10:06:12.1234567Z", hostile), "firedDateTime is not an ISO-8601"},
                new String[] {fired.replace("\"alertId\": \"/subscriptions", "\"alertId\": \"" + hostile + "/subscriptions"),
                        "alertId missing or not an alert id"},
                new String[] {fixture("log-search-v2-resolved.json").replace("\"resolvedDateTime\"", "\"other\""),
                        "resolvedDateTime missing from a Resolved"});
        for (String[] c : cases) {
            NotifyCall.Result r = NotifyCall.post(new Notify(), c[0]);
            assertEquals(400, r.status(), c[1]);
            assertNull(r.queued(), "nothing queued for " + c[1]);
            assertEquals(1, r.lines().size(), c[1] + ": " + r.lines());
            assertTrue(r.lines().get(0).contains(c[1]), r.lines().get(0));
            assertFalse(r.lines().get(0).contains("<script>") || r.lines().get(0).contains("\u001b")
                    || r.lines().get(0).contains("@everyone"), "the payload's text is never logged: " + r.lines().get(0));
            assertFalse(r.body().contains("<script>"), r.body());
        }
    }

    @Test
    void aPayloadOverTheAlertSizeLimitGets413() {
        // Common-schema alerts are capped at 256 KB (learn.microsoft.com/azure/azure-monitor/alerts/alerts-log-webhook).
        NotifyCall.Result r = NotifyCall.post(new Notify(), "{\"x\":\"" + "a".repeat(300 * 1024) + "\"}");
        assertEquals(413, r.status());
        assertNull(r.queued());
    }

    @Test
    void theQueueMessageReadsBackAsTheSameAlert() throws Exception {
        var n = dev.heartwatch.function.notify.AlertNotice.parse(fixture("log-search-v2-resolved.json"));
        assertEquals(n, dev.heartwatch.function.notify.AlertNotice.fromQueueMessage(n.toQueueMessage()));
        assertNotNull(n.resolvedAt());
    }

    @Test
    void aQueueMessageNotOfOursIsThrownToThePoisonQueueWithACleanLine() {
        List<String> lines = new java.util.ArrayList<>();
        NotifyDeliver deliver = new NotifyDeliver(() -> {
            throw new AssertionError("no delivery for a bad message");
        });
        RuntimeException e = NotifyCall.deliver(deliver, "{\"v\":1,\"alertId\":\"<b>\"}", lines);
        assertNotNull(e);
        assertEquals(1, lines.size(), lines.toString());
        assertFalse(lines.get(0).contains("<b>"), lines.get(0));
        assertTrue(lines.get(0).contains("cannot read a queue message"), lines.get(0));
    }
}
