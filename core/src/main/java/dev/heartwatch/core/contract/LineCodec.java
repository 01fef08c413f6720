package dev.heartwatch.core.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Encodes and decodes the contract's lines. Encoding is canonical (fields in the documented
 * order, absent fields omitted, compact), so {@code encode(decode(line)).equals(line)} holds for
 * every line {@code Ping} writes; the tests use that as the grammar check.
 */
public final class LineCodec {
    public static final String HEARTBEAT_TAG = "[heartbeat] ";
    public static final String OUTAGE_TAG = "[outage] ";
    public static final String PROBE_TAG = "[probe] ";

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private LineCodec() {
    }

    public static String encode(ContractLine line) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            if (line instanceof HeartbeatLine h) {
                out.write(HEARTBEAT_TAG);
                start(g, h);
                g.writeStringField("device", h.device());
                g.writeStringField("state", h.state());
                optional(g, "ip", h.ip());
                optional(g, "seq", h.seq());
                optional(g, "sentAt", h.sentAt());
                optional(g, "skewMs", h.skewMs());
                optional(g, "agentVersion", h.agentVersion());
                optional(g, "parent", h.parent());
                optional(g, "periodMs", h.periodMs());
                optional(g, "graceMs", h.graceMs());
                optional(g, "durationMs", h.durationMs());
                if (h.exitStatus() != null) {
                    g.writeNumberField("exitStatus", h.exitStatus());
                }
                if (h.outages() > 0) {
                    g.writeNumberField("outages", h.outages());
                }
                optional(g, "note", h.note());
            } else if (line instanceof OutageLine o) {
                out.write(OUTAGE_TAG);
                start(g, o);
                g.writeStringField("device", o.device());
                g.writeStringField("id", o.id());
                g.writeNumberField("start", o.start());
                g.writeNumberField("end", o.end());
                g.writeNumberField("durationMs", o.durationMs());
                g.writeStringField("cause", o.cause());
                optional(g, "skewMs", o.skewMs());
                optional(g, "detail", o.detail());
            } else {
                ProbeLine p = (ProbeLine) line;
                out.write(PROBE_TAG);
                start(g, p);
                optional(g, "ip", p.ip());
                optional(g, "note", p.note());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void start(JsonGenerator g, ContractLine line) throws IOException {
        g.writeStartObject();
        g.writeNumberField("v", ContractLine.VERSION);
        g.writeNumberField("ts", line.ts());
    }

    /** Decodes one line; anything that is not a contract line is a {@link MalformedLineException}. */
    public static ContractLine decode(String line) throws MalformedLineException {
        if (line == null) {
            throw new MalformedLineException("no line");
        }
        String json;
        String kind;
        if (line.startsWith(HEARTBEAT_TAG)) {
            kind = "heartbeat";
            json = line.substring(HEARTBEAT_TAG.length());
        } else if (line.startsWith(OUTAGE_TAG)) {
            kind = "outage";
            json = line.substring(OUTAGE_TAG.length());
        } else if (line.startsWith(PROBE_TAG)) {
            kind = "probe";
            json = line.substring(PROBE_TAG.length());
        } else {
            throw new MalformedLineException("not a contract line (unknown tag)");
        }
        Fields f = new Fields();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedLineException(kind + " line: not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                f.read(name, t, p);
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MalformedLineException(kind + " line: trailing content");
            }
        } catch (IOException e) {
            throw new MalformedLineException(kind + " line: invalid JSON");
        }
        // Every reader takes v1 and v2 lines: a v1 line is a v2 line without start, fail,
        // durationMs and exitStatus.
        if (f.v == null || f.v < ContractLine.OLDEST_READ_VERSION || f.v > ContractLine.VERSION || f.ts == null) {
            throw new MalformedLineException(kind + " line: missing or unsupported v/ts");
        }
        return switch (kind) {
            case "heartbeat" -> {
                if (f.device == null || f.device.isEmpty()) {
                    throw new MalformedLineException("heartbeat line: no device");
                }
                yield new HeartbeatLine(f.ts, f.device, f.state, f.ip, f.seq, f.sentAt, f.skewMs,
                        f.agentVersion, f.parent, f.periodMs, f.graceMs, f.durationMs,
                        f.exitStatus == null || f.exitStatus < 0 || f.exitStatus > Limits.MAX_EXIT_STATUS ? null : f.exitStatus.intValue(),
                        f.outages == null ? 0 : f.outages.intValue(), f.note);
            }
            case "outage" -> {
                if (f.device == null || f.id == null || f.start == null || f.end == null) {
                    throw new MalformedLineException("outage line: missing device, id, start or end");
                }
                yield new OutageLine(f.ts, f.device, f.id, f.start, f.end, f.cause, f.skewMs, f.detail);
            }
            default -> new ProbeLine(f.ts, f.ip, f.note);
        };
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void optional(JsonGenerator g, String name, Long value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value);
        }
    }

    /** The union of all line fields; unknown fields are skipped (forward compatibility). */
    private static final class Fields {
        Long v;
        Long ts;
        String device;
        String state;
        String ip;
        Long seq;
        Long sentAt;
        Long skewMs;
        String agentVersion;
        String parent;
        Long periodMs;
        Long graceMs;
        Long durationMs;
        Long exitStatus;
        Long outages;
        String note;
        String id;
        Long start;
        Long end;
        String cause;
        String detail;

        void read(String name, JsonToken t, JsonParser p) throws IOException, MalformedLineException {
            switch (name) {
                case "v" -> v = number(name, t, p);
                case "ts" -> ts = number(name, t, p);
                case "seq" -> seq = number(name, t, p);
                case "sentAt" -> sentAt = number(name, t, p);
                case "skewMs" -> skewMs = number(name, t, p);
                case "outages" -> outages = number(name, t, p);
                case "periodMs" -> periodMs = number(name, t, p);
                case "graceMs" -> graceMs = number(name, t, p);
                case "parent" -> parent = text(name, t, p);
                case "start" -> start = number(name, t, p);
                case "end" -> end = number(name, t, p);
                case "durationMs" -> durationMs = number(name, t, p);
                case "exitStatus" -> exitStatus = number(name, t, p);
                case "device" -> device = text(name, t, p);
                case "state" -> state = text(name, t, p);
                case "ip" -> ip = text(name, t, p);
                case "agentVersion" -> agentVersion = text(name, t, p);
                case "note" -> note = text(name, t, p);
                case "id" -> id = text(name, t, p);
                case "cause" -> cause = text(name, t, p);
                case "detail" -> detail = text(name, t, p);
                default -> p.skipChildren();
            }
        }

        private static Long number(String name, JsonToken t, JsonParser p) throws IOException, MalformedLineException {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw new MalformedLineException("field " + name + " is not an integer");
            }
            return p.getLongValue();
        }

        private static String text(String name, JsonToken t, JsonParser p) throws IOException, MalformedLineException {
            if (t != JsonToken.VALUE_STRING) {
                throw new MalformedLineException("field " + name + " is not a string");
            }
            return p.getText();
        }
    }
}
