package dev.heartwatch.function;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heartwatch.function.support.PingCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Generates the bytes-per-heartbeat table of docs/cost.md from the codec and host.json, and fails
 * when the committed table differs. Run with {@code -Dheartwatch.updateDocs=true} to rewrite it.
 */
class BytesPerHeartbeatDocTest {
    static final Path DOC = Path.of("..", "docs", "cost.md");
    static final String BEGIN = "<!-- BEGIN GENERATED: bytes-per-heartbeat (BytesPerHeartbeatDocTest) -->";
    static final String END = "<!-- END GENERATED: bytes-per-heartbeat -->";

    /**
     * Estimated billed bytes of one `traces` row besides its message: timestamp, severity, the
     * host's customDimensions (Category, LogLevel, HostInstanceId, InvocationId, ProcessId),
     * operation id/name, cloud role name and instance, SDK version, item id and the resource
     * columns. An estimate: measure yours with `AppTraces | summarize avg(_BilledSize)`.
     */
    static final int TRACE_ROW_OVERHEAD_BYTES = 700;
    /** Estimated billed bytes of one host row (an "Executing"/"Executed" trace or a request row). */
    static final int HOST_ROW_BYTES = 900;
    static final int BEATS_PER_DEVICE_MONTH = 60 * 24 * 30;
    /** Azure Monitor pay-as-you-go Analytics Logs ingestion, USD per GB (Azure Monitor pricing page, 2026). */
    static final double USD_PER_GB = 2.30;

    private final Ping ping = new Ping(Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));

    @Test
    void theCommittedTableIsTheGeneratedOne() throws Exception {
        String table = table();
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int from = doc.indexOf(BEGIN);
        int to = doc.indexOf(END);
        if (from < 0 || to < from) {
            throw new AssertionError("docs/cost.md lacks the generated-table markers");
        }
        String updated = doc.substring(0, from + BEGIN.length()) + "\n" + table + doc.substring(to);
        if (Boolean.getBoolean("heartwatch.updateDocs")) {
            Path tmp = DOC.resolveSibling("cost.md.tmp");
            Files.writeString(tmp, updated, StandardCharsets.UTF_8);
            Files.move(tmp, DOC, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            doc = updated;
        }
        assertEquals(updated, doc, "docs/cost.md is stale: run mvn -pl function-app -am test -Dheartwatch.updateDocs=true");
    }

    String table() {
        int hostRows = HostJsonPolicy.read0().hostRowsPerSuccessfulInvocation();
        List<Row> rows = List.of(
                row("original agent (`device`, `note`)", PingCall.post("{\"device\":\"darylhome\",\"note\":\"scheduled heartbeat\"}")
                        .header("X-Client-IP", "203.0.113.7"), hostRows),
                row("Heartwatch agent (seq, sentAt, version)", PingCall.post("{\"device\":\"home-pi\",\"seq\":123456,\"sentAt\":1795255199500,"
                        + "\"agentVersion\":\"0.1.0\"}").header("X-Client-IP", "2001:db8:85a3::8a2e:370:7334"), hostRows),
                row("probe (smoke test)", PingCall.get(), hostRows));
        StringBuilder out = new StringBuilder();
        out.append("| request | line bytes | + row overhead (est.) | host rows per call under host.json | bytes per heartbeat | MB per device-month | USD per device-month (after free grant) |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            long perBeat = r.lineBytes + TRACE_ROW_OVERHEAD_BYTES + (long) r.hostRows * HOST_ROW_BYTES;
            double mb = perBeat * (double) BEATS_PER_DEVICE_MONTH / 1_000_000d;
            double usd = mb / 1000d * USD_PER_GB;
            out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.1f | %.3f |%n",
                    r.name, r.lineBytes, TRACE_ROW_OVERHEAD_BYTES, r.hostRows, perBeat, mb, usd));
        }
        out.append(String.format(Locale.ROOT, "%nOne heartbeat a minute is %d heartbeats per device per 30-day month. "
                + "Row overhead %d B and host row %d B are estimates; ingestion priced at USD %.2f/GB.%n",
                BEATS_PER_DEVICE_MONTH, TRACE_ROW_OVERHEAD_BYTES, HOST_ROW_BYTES, USD_PER_GB));
        return out.toString();
    }

    private Row row(String name, PingCall call, int hostRows) {
        PingCall.Result r = call.invoke(ping);
        int bytes = 0;
        for (String line : r.lines()) {
            bytes += line.getBytes(StandardCharsets.UTF_8).length;
        }
        return new Row(name, bytes, hostRows);
    }

    record Row(String name, int lineBytes, int hostRows) {
    }

}
