package dev.heartwatch.core.schedule;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.core.notify.ChannelRouting;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The device registry ({@code infra/devices.json}): a JSON array whose entries are either a
 * device id (an expected device on {@link Schedule#DEFAULT}, today's form) or an object
 * <pre>{"id": "nas", "expected": true, "period": "PT10M", "grace": "PT5M", "channels": ["email"]}
 * {"id": "backup", "cron": "30 2 * * *", "timeZone": "Europe/Berlin", "grace": "PT1H"}</pre>
 * {@code expected} defaults to {@code true}; {@code period} or {@code cron} + {@code timeZone}
 * come with a {@code grace}, or are all absent (the default schedule); {@code channels} defaults
 * to none named: the registry's default channels, else every configured channel
 * ({@link dev.heartwatch.core.notify.ChannelRouting}). The default is written in the object form
 * <pre>{"defaults": {"channels": ["email", "ntfy"]}, "devices": ["router", {"id": "nas", ...}]}</pre>
 * which is written only when a default is set, so a plain array stays a plain array. Channel
 * names must be ones routing knows ({@link dev.heartwatch.core.notify.ChannelRouting#KNOWN}),
 * else the entry is refused with the nearest name. A file is read whole and refused whole: every
 * problem is reported, with the entry it is in, and nothing of a refused file is used.
 *
 * @param defaultChannels the channels of a device whose entry names none (empty: every configured channel)
 */
public record DeviceRegistry(List<RegisteredDevice> devices, List<String> defaultChannels) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> FIELDS =
            Set.of("id", "expected", "period", "cron", "timeZone", "grace", "channels");
    private static final Pattern CHANNEL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** A registry without default channels (today's files). */
    public DeviceRegistry(List<RegisteredDevice> devices) {
        this(devices, List.of());
    }

    public DeviceRegistry {
        devices = List.copyOf(devices);
        defaultChannels = List.copyOf(defaultChannels);
        Set<String> seen = new LinkedHashSet<>();
        for (RegisteredDevice d : devices) {
            if (!seen.add(d.id())) {
                throw new IllegalArgumentException("device " + ScheduleText.quote(d.id()) + " is listed twice");
            }
        }
    }

    /**
     * Reads a registry text.
     *
     * @throws DeviceRegistryException listing every problem, each with the entry it is in
     */
    public static DeviceRegistry parse(String text) {
        return parse(text, true);
    }

    /**
     * Reads a registry that was accepted when it was written (the server's stored copy): the
     * same checks, except that a channel name this release does not know is kept rather than
     * refused. Routing skips a name no channel is configured under, so a stored entry from an
     * older or newer release never stops the evaluator or delivery; {@link #parse} is what every
     * writer (the CLI, the admin API) validates with.
     */
    public static DeviceRegistry parseStored(String text) {
        return parse(text, false);
    }

    private static DeviceRegistry parse(String text, boolean knownChannelsOnly) {
        JsonNode root;
        try {
            // One JSON value and nothing after it: "[...] junk" (or an entry spliced into "[" + entry + "]"
            // that closes the array early) is refused, not read up to the first value.
            root = JSON.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
        } catch (JsonProcessingException e) {
            throw new DeviceRegistryException(List.of("not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + "): " + ScheduleText.quote(e.getOriginalMessage())));
        }
        List<String> problems = new ArrayList<>();
        List<String> defaults = List.of();
        if (root != null && root.isObject()) {
            for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("defaults") && !name.equals("devices")) {
                    problems.add("unknown top-level field " + ScheduleText.quote(name) + " (fields: defaults, devices)");
                }
            }
            JsonNode d = root.get("defaults");
            if (d != null) {
                if (!d.isObject()) {
                    problems.add("\"defaults\" must be an object such as {\"channels\": [\"email\"]}");
                } else {
                    for (Iterator<String> names = d.fieldNames(); names.hasNext(); ) {
                        String name = names.next();
                        if (!name.equals("channels")) {
                            problems.add("defaults: unknown field " + ScheduleText.quote(name) + " (fields: channels)");
                        }
                    }
                    defaults = channels(d.get("channels"), problems, "defaults", knownChannelsOnly);
                }
            }
            root = root.get("devices") == null ? JsonNodeFactory.instance.arrayNode() : root.get("devices");
            if (!root.isArray()) {
                problems.add("\"devices\" must be a JSON array of device ids or {\"id\": ...} objects");
                throw new DeviceRegistryException(problems);
            }
        }
        if (root == null || !root.isArray()) {
            throw new DeviceRegistryException(List.of(
                    "expected a JSON array of device ids or {\"id\": ...} objects, or {\"defaults\": ..., \"devices\": [...]}"));
        }
        Map<String, RegisteredDevice> byId = new LinkedHashMap<>();
        for (int k = 0; k < root.size(); k++) {
            Entry entry = new Entry(k, root.get(k), problems, knownChannelsOnly);
            Optional<RegisteredDevice> device = entry.read();
            if (device.isPresent()) {
                String id = device.get().id();
                if (byId.putIfAbsent(id, device.get()) != null) {
                    problems.add(entry.where() + ": device " + ScheduleText.quote(id) + " is listed twice");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new DeviceRegistryException(problems);
        }
        return new DeviceRegistry(new ArrayList<>(byId.values()), defaults);
    }

    /** A {@code channels} array's names (absent: none); each problem prefixed with {@code where}. */
    static List<String> channels(JsonNode c, List<String> problems, String where, boolean knownOnly) {
        if (c == null) {
            return List.of();
        }
        if (!c.isArray()) {
            problems.add(where + ": \"channels\" must be an array of channel names");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : c) {
            String name = n.isTextual() ? n.asText() : null;
            if (name == null || !CHANNEL.matcher(name).matches()) {
                problems.add(where + ": channel " + (name == null ? n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                        : ScheduleText.quote(name)) + " is not a channel name (lower-case letters, digits, '.', '_' and '-', at most 64)");
            } else if (out.contains(name)) {
                problems.add(where + ": channel " + ScheduleText.quote(name) + " is listed twice");
            } else {
                Optional<String> unknown = knownOnly ? ChannelRouting.unknown(name) : Optional.empty();
                if (unknown.isPresent()) {
                    problems.add(where + ": " + unknown.get());
                } else {
                    out.add(name);
                }
            }
        }
        return out;
    }

    public Optional<RegisteredDevice> find(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** The schedule of {@code id}: its own, else {@link Schedule#DEFAULT} (a device nobody described). */
    public Schedule scheduleOf(String id) {
        return find(id).map(RegisteredDevice::schedule).orElse(Schedule.DEFAULT);
    }

    /** The ids of the expected devices, in file order (today's {@code expectedDevices}). */
    public Set<String> expectedIds() {
        Set<String> out = new LinkedHashSet<>();
        for (RegisteredDevice d : devices) {
            if (d.expected()) {
                out.add(d.id());
            }
        }
        return out;
    }

    /**
     * The devices Azure's alert cannot watch, each with its reason ({@link Schedule#fitsAzure});
     * empty when all fit. The server takes any schedule, so only a deployment to Azure refuses.
     */
    public List<String> azureMisfits(Duration lookback, Duration evaluation, Instant from) {
        List<String> out = new ArrayList<>();
        for (RegisteredDevice d : devices) {
            AzureFit fit = d.fitsAzure(lookback, evaluation, from);
            if (!fit.fits()) {
                out.add("device " + ScheduleText.quote(d.id()) + ": " + fit.reason());
            }
        }
        return out;
    }

    /**
     * The registry as a file: a plain entry as its id string, others as objects; parses back
     * equal. A plain array unless default channels are set, then {@code {"defaults", "devices"}}.
     */
    public String toJson() {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        JsonNode root = array;
        if (!defaultChannels.isEmpty()) {
            ObjectNode top = JsonNodeFactory.instance.objectNode();
            defaultChannels.forEach(top.putObject("defaults").putArray("channels")::add);
            top.set("devices", array);
            root = top;
        }
        for (RegisteredDevice d : devices) {
            if (d.isPlain()) {
                array.add(d.id());
                continue;
            }
            ObjectNode o = array.addObject();
            o.put("id", d.id());
            if (!d.expected()) {
                o.put("expected", false);
            }
            if (d.schedule() instanceof Schedule.Period p && !p.equals(Schedule.DEFAULT)) {
                o.put("period", p.period().toString());
                o.put("grace", p.grace().toString());
            } else if (d.schedule() instanceof Schedule.Cron c) {
                o.put("cron", c.expression());
                o.put("timeZone", c.zone().getId());
                o.put("grace", c.grace().toString());
            }
            if (!d.channels().isEmpty()) {
                ArrayNode channels = o.putArray("channels");
                d.channels().forEach(channels::add);
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }

    /** One array element being read; problems go to the shared list, prefixed with where it is. */
    private static final class Entry {
        private final int index;
        private final JsonNode node;
        private final List<String> problems;
        private final boolean knownChannelsOnly;
        private String id;

        Entry(int index, JsonNode node, List<String> problems, boolean knownChannelsOnly) {
            this.index = index;
            this.node = node;
            this.problems = problems;
            this.knownChannelsOnly = knownChannelsOnly;
        }

        String where() {
            return "entry " + (index + 1) + (id == null ? "" : " (" + ScheduleText.quote(id) + ")");
        }

        private void problem(String text) {
            problems.add(where() + ": " + text);
        }

        Optional<RegisteredDevice> read() {
            if (node.isTextual()) {
                return readId(node.asText()) ? Optional.of(RegisteredDevice.expected(id)) : Optional.empty();
            }
            if (!node.isObject()) {
                problem("expected a device id or an {\"id\": ...} object, found " + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
                return Optional.empty();
            }
            int before = problems.size();
            JsonNode idNode = node.get("id");
            if (idNode == null || !idNode.isTextual()) {
                problem("\"id\" is required, a device id string");
            } else {
                readId(idNode.asText());
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!FIELDS.contains(name)) {
                    problem("unknown field " + ScheduleText.quote(name) + " (fields: id, expected, period, cron, timeZone, grace, channels)");
                }
            }
            boolean expected = readExpected();
            Schedule schedule = readSchedule();
            List<String> channels = readChannels();
            if (problems.size() > before || schedule == null) {
                return Optional.empty();
            }
            return Optional.of(new RegisteredDevice(id, expected, schedule, channels));
        }

        private boolean readId(String text) {
            if (!DeviceId.isValid(text)) {
                String normal = DeviceId.normalize(text);
                problem("id " + ScheduleText.quote(text) + " is not a sanitised device id"
                        + (normal.isEmpty() ? " (lower-case letters, digits, '.', '_' and '-', at most 64)"
                                : " (it would be " + ScheduleText.quote(normal) + ")"));
                return false;
            }
            id = text;
            return true;
        }

        private boolean readExpected() {
            JsonNode e = node.get("expected");
            if (e == null) {
                return true;
            }
            if (!e.isBoolean()) {
                problem("\"expected\" must be true or false");
                return true;
            }
            return e.booleanValue();
        }

        /** The entry's schedule; {@code null} after a problem. */
        private Schedule readSchedule() {
            String period = text("period");
            String cron = text("cron");
            String zone = text("timeZone");
            String grace = text("grace");
            if (period == null && cron == null) {
                if (zone != null) {
                    problem("\"timeZone\" only applies to a \"cron\"");
                }
                if (grace != null) {
                    problem("\"grace\" needs a \"period\" or a \"cron\" (the default schedule has its own)");
                }
                return zone == null && grace == null ? Schedule.DEFAULT : null;
            }
            if (period != null && cron != null) {
                problem("give a \"period\" or a \"cron\", not both");
                return null;
            }
            if (grace == null) {
                problem("\"grace\" is required with a " + (period != null ? "\"period\"" : "\"cron\"")
                        + ": how late a beat may be before the device is down, e.g. \"PT5M\"");
                return null;
            }
            try {
                Duration g = ScheduleText.duration("grace", grace);
                if (period != null) {
                    if (zone != null) {
                        problem("\"timeZone\" only applies to a \"cron\"");
                        return null;
                    }
                    return new Schedule.Period(ScheduleText.duration("period", period), g);
                }
                if (zone == null) {
                    problem("\"cron\" needs a \"timeZone\", the IANA zone of its wall clock, e.g. \"Europe/Berlin\" or \"Etc/UTC\"");
                    return null;
                }
                ZoneId z = ScheduleText.zone(zone);
                return new Schedule.Cron(cron, z, g);
            } catch (IllegalArgumentException e) {
                problem(e.getMessage());
                return null;
            }
        }

        /** A string field's value, {@code null} if absent; a problem if it is not a string. */
        private String text(String name) {
            JsonNode v = node.get(name);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                problem("\"" + name + "\" must be a string");
                return null;
            }
            return v.asText();
        }

        private List<String> readChannels() {
            int before = problems.size();
            List<String> out = channels(node.get("channels"), problems, where(), knownChannelsOnly);
            // channels() prefixes with the entry itself; keep the shared list's form.
            return problems.size() > before ? List.of() : out;
        }
    }
}
