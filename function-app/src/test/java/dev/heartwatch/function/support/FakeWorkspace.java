package dev.heartwatch.function.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.channels.support.FakeService.Answer;
import dev.heartwatch.channels.support.FakeService.Request;
import dev.heartwatch.core.contract.ContractLine;
import dev.heartwatch.core.contract.LineCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Log Analytics query API of one workspace, holding {@code AppTraces} rows: {@code POST
 * /v1/workspaces/{id}/query} with {@code {"query","timespan"}} answers {@code 200
 * {"tables":[{"name":"PrimaryResult","columns":[{"name","type"}],"rows":[[...]]}]}}, rows inside
 * the timespan; another token gets {@code 403} with an {@code error} object
 * (learn.microsoft.com/rest/api/loganalytics/dataaccess/query/execute, "QueryResults" and
 * "ErrorResponse"). It does not run KQL: the timespan and the device's field are what it filters on.
 */
public final class FakeWorkspace {
    public static final String ID = "3f1a2b4c-0000-4000-8000-0000000000ab";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String token;
    private final List<Object[]> rows = new ArrayList<>();
    private final List<String> queries = new ArrayList<>();

    public FakeWorkspace(String token) {
        this.token = token;
    }

    /** One trace row, as Ping would have logged the line, received at the line's own ts. */
    public synchronized FakeWorkspace add(ContractLine line) {
        rows.add(new Object[] {Instant.ofEpochMilli(line.ts()), LineCodec.encode(line)});
        return this;
    }

    /** A trace that is not one of our lines (the host's, another function's). */
    public synchronized FakeWorkspace addOther(Instant at, String message) {
        rows.add(new Object[] {at, message});
        return this;
    }

    public synchronized List<String> queries() {
        return List.copyOf(queries);
    }

    public synchronized Answer answer(Request r) {
        if (!("Bearer " + token).equals(r.header("Authorization"))) {
            return Answer.json(403, "{\"error\":{\"code\":\"InsufficientAccessError\",\"message\":\"The provided credentials have insufficient access\"}}");
        }
        if (!r.method().equals("POST") || !r.path().equals("/v1/workspaces/" + ID + "/query")) {
            return Answer.json(404, "{\"error\":{\"code\":\"PathNotFoundError\",\"message\":\"not found\"}}");
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            String[] span = body.path("timespan").asText().split("/");
            Instant from = Instant.parse(span[0]);
            Instant to = Instant.parse(span[1]);
            String query = body.path("query").asText();
            queries.add(query);
            ObjectNode table = JSON.createObjectNode().put("name", "PrimaryResult");
            table.putArray("columns").add(column("TimeGenerated", "datetime")).add(column("Message", "string"));
            ArrayNode out = table.putArray("rows");
            for (Object[] row : rows) {
                Instant at = (Instant) row[0];
                String message = (String) row[1];
                if (!at.isBefore(from) && !at.isAfter(to) && deviceMatches(query, message)) {
                    out.addArray().add(at.toString()).add(message);
                }
            }
            ObjectNode root = JSON.createObjectNode();
            root.putArray("tables").add(table);
            return Answer.json(200, root.toString());
        } catch (Exception e) {
            return Answer.json(400, "{\"error\":{\"code\":\"BadArgumentError\",\"message\":\"The request had some invalid properties\"}}");
        }
    }

    /** The query's {@code contains '"device":"x"'} filter, applied as KQL would (case-insensitively). */
    private static boolean deviceMatches(String query, String message) {
        int at = query.indexOf("contains '");
        if (at < 0) {
            return true;
        }
        String needle = query.substring(at + "contains '".length(), query.indexOf('\'', at + "contains '".length()));
        return message.toLowerCase().contains(needle.toLowerCase());
    }

    private static ObjectNode column(String name, String type) {
        return JSON.createObjectNode().put("name", name).put("type", type);
    }
}
