package dev.heartwatch.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.core.contract.FreeText;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.DeviceRegistryException;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.server.store.RegistryRepository.Precondition;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Edits of the server's device registry ({@link RegistryRepository}), validated as
 * {@code infra/devices.json} is ({@link DeviceRegistry#parse}, the one reader of the layout): the
 * one implementation behind the admin API ({@code RegistryHandler}) and {@code heartwatch devices
 * ... --db}, so both refuse the same entries with the same words and write the same rows.
 * Nothing of a refused entry or file is written. The server takes any schedule: Azure's limit
 * ({@code fitsAzure}) is the file's concern, checked by the CLI and the deploy.
 */
public final class RegistryAdministration {
    /** Largest body of one entry ({@code PUT /api/registry/devices/{id}}). */
    public static final int MAX_ENTRY_BYTES = 8 * 1024;
    /** Largest whole registry ({@code PUT /api/registry}). */
    public static final int MAX_REGISTRY_BYTES = 1024 * 1024;
    /** Due times an answer lists. */
    public static final int NEXT_DUE_COUNT = 3;
    /** Problems a refusal repeats; the rest are counted. */
    static final int MAX_PROBLEMS = 20;
    /** Code points of one problem a refusal repeats (each already quotes input cut short). */
    private static final int MAX_PROBLEM_CODE_POINTS = 300;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HeartwatchStore store;

    public RegistryAdministration(HeartwatchStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** A registry text or entry that was refused, with every problem (sanitised and bounded). */
    public static final class Refused extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        Refused(List<String> problems) {
            super(String.join("; ", bounded(problems)));
            this.problems = bounded(problems);
        }

        /** At most {@link #MAX_PROBLEMS}, each one line, then how many more there were. */
        public List<String> problems() {
            return problems;
        }

        /** The answer's text: one problem a line. */
        public String text() {
            return String.join("\n", problems);
        }

        private static List<String> bounded(List<String> all) {
            List<String> out = new ArrayList<>();
            for (int k = 0; k < all.size() && k < MAX_PROBLEMS; k++) {
                out.add(FreeText.clean(all.get(k), MAX_PROBLEM_CODE_POINTS));
            }
            if (all.size() > MAX_PROBLEMS) {
                out.add("... and " + (all.size() - MAX_PROBLEMS) + " more");
            }
            return List.copyOf(out);
        }
    }

    /** The outcome of a {@link #put}. */
    public enum Outcome { WRITTEN, ALREADY_THERE, NOT_THERE }

    /**
     * One entry, as {@code infra/devices.json} holds it (a JSON string or an object), for
     * {@code device}: read by {@code DeviceRegistry.parse("[" + text + "]")}. An object's
     * {@code id} (or the string) must be {@code device}.
     *
     * @throws Refused with every problem, each naming the device instead of "entry 1"
     */
    public static RegisteredDevice entry(String device, String text) {
        if (device == null || !DeviceId.isValid(device)) {
            throw new Refused(List.of("not a device id (lower case [a-z0-9._-], at most 64 characters)"));
        }
        if (text == null || text.isBlank()) {
            throw new Refused(List.of("the body must be one registry entry: \"" + device + "\" or {\"id\": \"" + device
                    + "\", \"period\": \"PT10M\", \"grace\": \"PT5M\"}"));
        }
        DeviceRegistry one;
        try {
            one = DeviceRegistry.parse("[" + text + "]");
        } catch (DeviceRegistryException e) {
            throw new Refused(e.problems().stream().map(p -> p.replaceFirst("^entry 1( \\([^)]*\\))?: ", "device \"" + device + "\": ")).toList());
        }
        if (one.devices().size() != 1) {
            throw new Refused(List.of("the body must be one registry entry, found " + one.devices().size()));
        }
        RegisteredDevice d = one.devices().get(0);
        if (!d.id().equals(device)) {
            throw new Refused(List.of("the entry's id \"" + d.id() + "\" is not the device it is put to, \"" + device + "\""));
        }
        return d;
    }

    /**
     * A whole registry text (an import of {@code infra/devices.json}).
     *
     * @throws Refused with every problem, each with its entry
     */
    public static DeviceRegistry file(String text) {
        try {
            return DeviceRegistry.parse(text == null ? "" : text);
        } catch (DeviceRegistryException e) {
            throw new Refused(e.problems());
        }
    }

    public DeviceRegistry registry() {
        return store.registry().registry();
    }

    public Optional<RegisteredDevice> find(String device) {
        return store.registry().find(device);
    }

    /**
     * Writes {@code device}'s entry if {@code precondition} holds (checked in the same transaction).
     */
    public Outcome put(RegisteredDevice device, Precondition precondition, Instant now) {
        if (store.registry().put(device, now, precondition)) {
            return Outcome.WRITTEN;
        }
        return precondition == Precondition.ABSENT ? Outcome.ALREADY_THERE : Outcome.NOT_THERE;
    }

    /** Removes {@code device}'s entry; false when it had none (then the device is on the default schedule). */
    public boolean remove(String device) {
        return store.registry().remove(device);
    }

    /** Replaces the whole registry in one transaction. */
    public void replaceAll(DeviceRegistry registry, Instant now) {
        store.registry().replaceAll(registry, now);
    }

    /** {@code {"entry": <as in the file>, "nextDue": ["2026-12-02T21:00:00Z", ...]}}: what a put answers. */
    public static byte[] putAnswer(RegisteredDevice device, Instant now) {
        ObjectNode root = JSON.createObjectNode();
        root.set("entry", entryNode(device));
        ArrayNode due = root.putArray("nextDue");
        device.nextDue(now, NEXT_DUE_COUNT).forEach(t -> due.add(t.toString()));
        return bytes(root);
    }

    /** The entry as the file holds it: its id string when plain, else the object. */
    public static JsonNode entryNode(RegisteredDevice device) {
        try {
            return JSON.readTree(new DeviceRegistry(List.of(device)).toJson()).get(0);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("toJson always parses", e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
