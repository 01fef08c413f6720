package dev.heartwatch.function.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.core.contract.HeartbeatLine;
import dev.heartwatch.core.contract.LineCodec;
import dev.heartwatch.core.contract.MalformedLineException;
import dev.heartwatch.core.contract.OutageLine;
import dev.heartwatch.core.outage.ReportedOutage;
import dev.heartwatch.core.rule.Beat;
import dev.heartwatch.core.rule.BeatSchedule;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;

/**
 * A device's lines from the Log Analytics workspace behind workspace-based Application Insights,
 * through the Monitor Query REST API: {@code POST {endpoint}/v1/workspaces/{workspaceId}/query}
 * with {@code {"query", "timespan"}}, answered {@code {"tables":[{"name","columns":[{name,type}],
 * "rows":[[...]]}]}} (learn.microsoft.com/rest/api/loganalytics/dataaccess/query/execute). The
 * token is the managed identity's for {@value #SCOPE}; the least role that allows the query is
 * Log Analytics Reader on the workspace.
 *
 * <p>Application Insights' traces are in the workspace's {@code AppTraces} table, the line in
 * {@code Message} (the {@code Ping} function's log line, {@code docs/contract.md}). One bounded
 * attempt: whatever fails or takes longer than {@code timeout} is {@link DeviceLines.Unavailable},
 * and the message goes out without the figures, saying so.
 */
public final class WorkspaceLines implements DeviceLines.Source {
    public static final String SCOPE = "https://api.loganalytics.io/.default";
    public static final URI DEFAULT_ENDPOINT = URI.create("https://api.loganalytics.io");
    /** More than two days of one device's lines at one a minute, with room for reports. */
    static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI query;
    private final TokenSource tokens;
    private final HttpClient http;
    private final Duration timeout;

    public WorkspaceLines(URI endpoint, String workspaceId, TokenSource tokens, HttpClient http, Duration timeout) {
        if (workspaceId == null || !workspaceId.matches("[0-9a-fA-F-]{36}")) {
            throw new IllegalArgumentException("HEARTWATCH_LOGS_WORKSPACE_ID must be the workspace's customerId (a GUID)");
        }
        String base = endpoint.toString().endsWith("/") ? endpoint.toString() : endpoint + "/";
        this.query = URI.create(base + "v1/workspaces/" + workspaceId + "/query");
        this.tokens = tokens;
        this.http = http;
        this.timeout = timeout;
    }

    /** The query: the device's heartbeat and outage lines, oldest first. */
    static String kql(String device, Instant from, Instant to) {
        // device is [a-z0-9._-] (DeviceId), so it cannot end the literal; the exact match is ours below.
        return "AppTraces\n"
                + "| where TimeGenerated between (datetime(" + from + ") .. datetime(" + to + "))\n"
                + "| where Message startswith \"[heartbeat] \" or Message startswith \"[outage] \"\n"
                + "| where Message contains '\"device\":\"" + device + "\"'\n"
                + "| project TimeGenerated, Message\n"
                + "| order by TimeGenerated asc";
    }

    /** The query of a parent's checks: the heartbeat lines that name it as their {@code parent}. */
    static String childrenKql(String parent, Instant from, Instant to) {
        // parent is [a-z0-9._-] (DeviceId) like device above; LineCodec writes the field as "parent":"x".
        return "AppTraces\n"
                + "| where TimeGenerated between (datetime(" + from + ") .. datetime(" + to + "))\n"
                + "| where Message startswith \"[heartbeat] \"\n"
                + "| where Message contains '\"parent\":\"" + parent + "\"'\n"
                + "| project TimeGenerated, Message\n"
                + "| order by TimeGenerated asc";
    }

    @Override
    public DeviceLines read(String device, Instant from, Instant to) {
        return lines(device, ask(kql(device, from, to), from, to));
    }

    @Override
    public Map<String, DeviceLines.Child> children(String parent, Instant from, Instant to) {
        if (!DeviceId.isValid(parent)) {
            return Map.of();
        }
        return children(parent, ask(childrenKql(parent, from, to), from, to));
    }

    private byte[] ask(String kql, Instant from, Instant to) {
        ObjectNode body = JSON.createObjectNode();
        body.put("query", kql);
        body.put("timespan", from + "/" + to);
        HttpResponse<byte[]> answer;
        try {
            String token = tokens.token(SCOPE);
            HttpRequest request = HttpRequest.newBuilder(query).timeout(timeout)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .header("Prefer", "wait=" + Math.max(1, timeout.toSeconds()))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
            answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new DeviceLines.Unavailable("the workspace did not answer within " + timeout);
        } catch (IOException e) {
            throw new DeviceLines.Unavailable("the workspace could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceLines.Unavailable("interrupted");
        } catch (RuntimeException e) {
            throw new DeviceLines.Unavailable("no token for the workspace (" + e.getClass().getSimpleName() + ")");
        }
        if (answer.statusCode() != 200) {
            throw new DeviceLines.Unavailable("the workspace answered HTTP " + answer.statusCode());
        }
        if (answer.body().length > MAX_ANSWER_BYTES) {
            throw new DeviceLines.Unavailable("the workspace's answer is larger than " + MAX_ANSWER_BYTES + " bytes");
        }
        return answer.body();
    }

    /** The heartbeat lines' devices that name {@code parent}, each with its beats and its last line's schedule. */
    static Map<String, DeviceLines.Child> children(String parent, byte[] answer) {
        Map<String, List<Instant>> beats = new TreeMap<>();
        Map<String, HeartbeatLine> last = new java.util.HashMap<>();
        for (String m : messages(answer)) {
            ContractLine line;
            try {
                line = LineCodec.decode(m);
            } catch (MalformedLineException e) {
                continue;
            }
            if (line instanceof HeartbeatLine h && parent.equals(h.parent()) && !h.device().equals(parent)) {
                beats.computeIfAbsent(h.device(), k -> new ArrayList<>()).add(Instant.ofEpochMilli(h.ts()));
                last.merge(h.device(), h, (a, b) -> b.ts() >= a.ts() ? b : a);
            }
        }
        Map<String, DeviceLines.Child> out = new TreeMap<>();
        beats.forEach((device, at) -> out.put(device, new DeviceLines.Child(at, scheduleOf(last.get(device)))));
        return out;
    }

    /** The schedule a heartbeat line carried (core's reading of its periodMs and graceMs), or null. */
    private static BeatSchedule scheduleOf(HeartbeatLine h) {
        return BeatSchedule.ofMillis(h.periodMs(), h.graceMs()).orElse(null);
    }

    /** The rows' {@code Message} column, decoded; lines of other devices or not ours are left out. */
    static DeviceLines lines(String device, byte[] answer) {
        List<Beat> beats = new ArrayList<>();
        List<ReportedOutage> reports = new ArrayList<>();
        Set<String> reportIds = new HashSet<>();
        Map<String, Instant> arrivals = new java.util.HashMap<>();
        String parent = null;
        BeatSchedule schedule = null;
        long parentTs = Long.MIN_VALUE;
        for (String m : messages(answer)) {
            ContractLine line;
            try {
                line = LineCodec.decode(m);
            } catch (MalformedLineException e) {
                continue; // not a line of ours: the contract's consumers skip them
            }
            if (line instanceof HeartbeatLine h && h.device().equals(device)) {
                Instant at = Instant.ofEpochMilli(h.ts());
                beats.add(h.stopping() ? Beat.stopping(device, at) : Beat.of(device, at));
                if (h.ts() >= parentTs) {
                    parentTs = h.ts();
                    parent = h.parent() != null && DeviceId.isValid(h.parent()) ? h.parent() : null;
                    schedule = scheduleOf(h);
                }
            } else if (line instanceof OutageLine o && o.device().equals(device) && o.end() >= o.start()
                    && reportIds.add(o.id())) {
                // Consumers drop repeats on (device, id), the first one kept (docs/contract.md).
                reports.add(new ReportedOutage(device, o.id(), Instant.ofEpochMilli(o.start()), Instant.ofEpochMilli(o.end()),
                        o.cause(), o.detail(), o.skewMs() == null ? null : Duration.ofMillis(o.skewMs())));
                arrivals.put(o.id(), Instant.ofEpochMilli(o.ts()));
            }
        }
        return new DeviceLines(beats, reports, parent, arrivals, schedule);
    }

    /** The rows' {@code Message} column. */
    private static List<String> messages(byte[] answer) {
        JsonNode root;
        try {
            root = JSON.readTree(answer);
        } catch (IOException e) {
            throw new DeviceLines.Unavailable("the workspace's answer is not JSON");
        }
        JsonNode table = root == null ? null : root.path("tables").path(0);
        if (table == null || !table.path("columns").isArray() || !table.path("rows").isArray()) {
            throw new DeviceLines.Unavailable("the workspace's answer has no table");
        }
        int message = -1;
        for (int i = 0; i < table.path("columns").size(); i++) {
            if ("Message".equals(table.path("columns").get(i).path("name").asText())) {
                message = i;
            }
        }
        if (message < 0) {
            throw new DeviceLines.Unavailable("the workspace's answer has no Message column");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode row : table.path("rows")) {
            String m = row.path(message).asText(null);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }
}
