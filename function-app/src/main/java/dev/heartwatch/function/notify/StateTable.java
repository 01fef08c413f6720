package dev.heartwatch.function.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.channels.ThreadState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Notify's state in one Table storage table, through the Table service REST API with the managed
 * identity's token ({@value #SCOPE}; role Storage Table Data Contributor):
 * <ul>
 *   <li>Insert Entity, {@code POST {endpoint}/{table}}: 201/204, or 409 {@code EntityAlreadyExists}
 *       when the row is there (learn.microsoft.com/rest/api/storageservices/insert-entity). That
 *       answer is the conditional insert every "first writer wins" here rests on;</li>
 *   <li>Query Entities for one row, {@code GET {endpoint}/{table}(PartitionKey='..',RowKey='..')}:
 *       200 with the row and its {@code ETag}, 404 when absent (…/query-entities);</li>
 *   <li>Update Entity, {@code PUT} on that URL with {@code If-Match: <ETag>}: 204, or 412 when
 *       another writer changed the row first (…/update-entity2);</li>
 *   <li>Query Entities for a partition, {@code GET {endpoint}/{table}()?$filter=PartitionKey eq '..'}:
 *       200 with {@code value[]}, at most 1,000 rows a page; more pages are named by the
 *       {@code x-ms-continuation-NextPartitionKey} / {@code -NextRowKey} headers, passed back as
 *       {@code NextPartitionKey} / {@code NextRowKey} (…/query-entities, …/query-timeout-and-pagination);</li>
 *   <li>Create Table, {@code POST {endpoint}/Tables}: 201, or 409 {@code TableAlreadyExists}
 *       (…/create-table).</li>
 * </ul>
 * Keys are SHA-256 hex of what they stand for, so an alert id's {@code /} (not allowed in a key)
 * never reaches the service; the readable values are stored beside them.
 *
 * <p>It is also the GitHub channel's {@link ThreadState}: partition {@value #THREADS}, the
 * issue's (or comment's) number in {@code Value}, put-if-absent by the same conditional insert.
 */
public final class StateTable implements ThreadState {
    public static final String SCOPE = "https://storage.azure.com/.default";
    /** OAuth needs 2019-02-02 or later (learn.microsoft.com/rest/api/storageservices/authorize-with-azure-active-directory). */
    static final String API_VERSION = "2020-12-06";
    static final String THREADS = "thread";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final String endpoint;
    private final String table;
    private final TokenSource tokens;
    private final HttpClient http;
    private final Duration timeout;
    private volatile boolean created;

    /** A row as read: its properties (strings) and its ETag for a conditional update. */
    public record Row(Map<String, String> values, String etag) {
        public String get(String name) {
            return values.get(name);
        }
    }

    /** The service could not be used this time (a timeout, a 5xx, a refused token): the attempt is retried. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * @param endpoint {@code https://<account>.table.core.windows.net} (Azurite: {@code https://127.0.0.1:PORT/devstoreaccount1})
     * @param table    {@code notifystate}: 3 to 63 letters and digits, not starting with a digit
     */
    public StateTable(URI endpoint, String table, TokenSource tokens, HttpClient http, Duration timeout) {
        if (!"https".equalsIgnoreCase(endpoint.getScheme())) {
            throw new IllegalArgumentException("HEARTWATCH_STATE_TABLE_ENDPOINT must be https://");
        }
        if (table == null || !table.matches("[A-Za-z][A-Za-z0-9]{2,62}")) {
            throw new IllegalArgumentException("HEARTWATCH_STATE_TABLE must be 3 to 63 letters and digits, starting with a letter");
        }
        this.endpoint = endpoint.toString().replaceAll("/+$", "");
        this.table = table;
        this.tokens = tokens;
        this.http = http;
        this.timeout = timeout;
    }

    /** The key for what {@code parts} name: SHA-256 hex, safe in a PartitionKey or RowKey. */
    public static String key(String... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                d.update(p.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Row> get(String partition, String row) {
        ensureTable();
        HttpResponse<String> a = send(request(entityUri(partition, row)).GET());
        if (a.statusCode() == 404) {
            return Optional.empty();
        }
        expect(a, 200);
        try {
            JsonNode n = JSON.readTree(a.body());
            return Optional.of(new Row(values(n), a.headers().firstValue("ETag").orElse("*")));
        } catch (IOException e) {
            throw new Unavailable("Table storage answered a row that is not JSON");
        }
    }

    /** Every row of {@code partition} (our own key: letters, digits and {@code -}), in RowKey order, page after page. */
    public java.util.List<Row> partition(String partition) {
        if (!partition.matches("[A-Za-z0-9-]{1,200}")) {
            throw new IllegalArgumentException("not a partition key of ours");
        }
        ensureTable();
        java.util.List<Row> rows = new java.util.ArrayList<>();
        String filter = java.net.URLEncoder.encode("PartitionKey eq '" + partition + "'", StandardCharsets.UTF_8)
                .replace("+", "%20");
        String nextPartition = null;
        String nextRow = null;
        do {
            StringBuilder uri = new StringBuilder(endpoint).append('/').append(table).append("()?$filter=").append(filter);
            if (nextPartition != null) {
                uri.append("&NextPartitionKey=").append(java.net.URLEncoder.encode(nextPartition, StandardCharsets.UTF_8));
            }
            if (nextRow != null) {
                uri.append("&NextRowKey=").append(java.net.URLEncoder.encode(nextRow, StandardCharsets.UTF_8));
            }
            HttpResponse<String> a = send(request(URI.create(uri.toString())).GET());
            expect(a, 200);
            try {
                for (JsonNode n : JSON.readTree(a.body()).path("value")) {
                    rows.add(new Row(values(n), n.path("odata.etag").asText("*")));
                }
            } catch (IOException e) {
                throw new Unavailable("Table storage answered a page that is not JSON");
            }
            nextPartition = a.headers().firstValue("x-ms-continuation-NextPartitionKey").orElse(null);
            nextRow = a.headers().firstValue("x-ms-continuation-NextRowKey").orElse(null);
        } while (nextPartition != null || nextRow != null);
        return rows;
    }

    private static Map<String, String> values(JsonNode n) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().contains("odata")) {
                values.put(e.getKey(), e.getValue().asText());
            }
        }
        return values;
    }

    /** Inserts the row unless one is there: true when this call wrote it. */
    public boolean insert(String partition, String row, Map<String, String> values) {
        ensureTable();
        ObjectNode body = entity(partition, row, values);
        HttpResponse<String> a = send(request(URI.create(endpoint + "/" + table))
                .header("Prefer", "return-no-content")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)));
        if (a.statusCode() == 409) {
            return false;
        }
        expect(a, 201, 204);
        return true;
    }

    /** Replaces the row if it still has {@code etag}: false when another writer got there first. */
    public boolean replace(String partition, String row, Map<String, String> values, String etag) {
        ensureTable();
        ObjectNode body = entity(partition, row, values);
        HttpResponse<String> a = send(request(entityUri(partition, row)).header("If-Match", etag)
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)));
        if (a.statusCode() == 412 || a.statusCode() == 404) {
            return false;
        }
        expect(a, 204);
        return true;
    }

    @Override
    public Optional<Long> get(String key) {
        return get(THREADS, key(key)).map(r -> Long.parseLong(r.get("Value")));
    }

    @Override
    public long putIfAbsent(String key, long value) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("Value", Long.toString(value));
        v.put("Thread", key);
        if (insert(THREADS, key(key), v)) {
            return value;
        }
        return get(key).orElseThrow(() -> new Unavailable("a thread row vanished after its insert was refused"));
    }

    private void ensureTable() {
        if (created) {
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("TableName", table);
        HttpResponse<String> a = send(request(URI.create(endpoint + "/Tables")).header("Prefer", "return-no-content")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)));
        if (a.statusCode() != 409) {
            expect(a, 201, 204);
        }
        created = true;
    }

    private static ObjectNode entity(String partition, String row, Map<String, String> values) {
        ObjectNode n = JSON.createObjectNode();
        n.put("PartitionKey", partition);
        n.put("RowKey", row);
        values.forEach(n::put);
        return n;
    }

    private URI entityUri(String partition, String row) {
        // Keys are hex (key()) or our own constants: nothing to escape inside the quotes.
        return URI.create(endpoint + "/" + table + "(PartitionKey='" + partition + "',RowKey='" + row + "')");
    }

    private HttpRequest.Builder request(URI uri) {
        String token;
        try {
            token = tokens.token(SCOPE);
        } catch (RuntimeException e) {
            throw new Unavailable("no token for Table storage (" + e.getClass().getSimpleName() + ")");
        }
        return HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("x-ms-version", API_VERSION)
                .header("x-ms-date", RFC1123.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .header("Accept", "application/json;odata=nometadata")
                .header("Content-Type", "application/json")
                .header("DataServiceVersion", "3.0;NetFx")
                .header("MaxDataServiceVersion", "3.0;NetFx");
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Unavailable("Table storage could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
    }

    private static void expect(HttpResponse<String> a, int... ok) {
        for (int s : ok) {
            if (a.statusCode() == s) {
                return;
            }
        }
        throw new Unavailable("Table storage answered HTTP " + a.statusCode());
    }
}
