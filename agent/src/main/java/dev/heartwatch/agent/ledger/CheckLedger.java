package dev.heartwatch.agent.ledger;

import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.log.AgentLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outages of the agent's active checks, one device each, kept like the agent's own
 * ({@link OutageLedger}): a text file next to it ({@code <ledger>.checks}) written to a
 * temporary file, fsync'd and renamed on every change, a CRC32 on its last line, a corrupt file
 * kept aside. Only changes write it (an outage opened, closed, acknowledged): a check that
 * passes as before writes nothing, so 50 checks cost no disk writes a minute.
 *
 * <p>An outage is opened when a check counts as failed (its N-th consecutive failure), from its
 * first failure of that run; closed by its next pass; then carried in that device's batch item
 * until a receiver that read the batch acknowledges it.
 */
public final class CheckLedger {
    private static final String MAGIC = "heartwatch-check-ledger 1";

    private final Path file;
    private long nextId = 1;
    private final Map<String, Outage> open = new LinkedHashMap<>();
    private final Map<String, List<Outage>> closed = new LinkedHashMap<>();

    private CheckLedger(Path file) {
        this.file = file;
    }

    /** The checks' ledger beside the agent's {@code ledger} file. */
    public static CheckLedger open(Path agentLedger, long nowMs, AgentLog log) throws IOException {
        Path file = agentLedger.resolveSibling(agentLedger.getFileName() + ".checks");
        Files.createDirectories(file.toAbsolutePath().getParent());
        CheckLedger ledger = new CheckLedger(file);
        try {
            ledger.parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            // no check has failed yet
        } catch (IllegalArgumentException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + nowMs);
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            log.event("check ledger " + file + " is corrupt (" + e.getMessage() + "); kept it as " + aside.getFileName()
                    + " and started a new one");
            ledger = new CheckLedger(file);
        }
        return ledger;
    }

    /** Forgets devices no longer configured (their outages have no check left to report them). */
    public synchronized List<String> retain(Set<String> devices) throws IOException {
        List<String> gone = new ArrayList<>();
        for (String d : List.copyOf(union())) {
            if (!devices.contains(d)) {
                gone.add(d);
                open.remove(d);
                closed.remove(d);
            }
        }
        if (!gone.isEmpty()) {
            write();
        }
        return gone;
    }

    /** The check counts as failed: opens its outage from {@code startMs} unless one is open. */
    public synchronized Outage recordFailure(String device, long startMs, Cause cause, String detail) throws IOException {
        if (open.containsKey(device)) {
            return null;
        }
        Outage o = new Outage(Long.toString(startMs, 36) + "-" + nextId++, startMs, Outage.OPEN, cause, detail);
        open.put(device, o);
        write();
        return o;
    }

    /** The check passed: closes its open outage (to ride its next beat). Returns it, or null. */
    public synchronized Outage recordPass(String device, long nowMs) throws IOException {
        Outage o = open.remove(device);
        if (o == null) {
            return null;
        }
        Outage ended = o.closedAt(nowMs);
        closed.computeIfAbsent(device, k -> new ArrayList<>()).add(ended);
        write();
        return ended;
    }

    public synchronized boolean isDown(String device) {
        return open.containsKey(device);
    }

    /** Closed outages of {@code device} not yet acknowledged, oldest first, at most {@code cap}. */
    public synchronized List<Outage> pending(String device, int cap) {
        List<Outage> l = closed.getOrDefault(device, List.of());
        return List.copyOf(l.subList(0, Math.min(cap, l.size())));
    }

    /** A receiver that read the batch acknowledged these outages of {@code device}. */
    public synchronized void acknowledge(Map<String, ? extends Collection<String>> idsByDevice) throws IOException {
        boolean changed = false;
        for (Map.Entry<String, ? extends Collection<String>> e : idsByDevice.entrySet()) {
            List<Outage> l = closed.get(e.getKey());
            if (l == null) {
                continue;
            }
            for (Iterator<Outage> it = l.iterator(); it.hasNext(); ) {
                if (e.getValue().contains(it.next().id())) {
                    it.remove();
                    changed = true;
                }
            }
            if (l.isEmpty()) {
                closed.remove(e.getKey());
            }
        }
        if (changed) {
            write();
        }
    }

    private Set<String> union() {
        Set<String> all = new java.util.LinkedHashSet<>(open.keySet());
        all.addAll(closed.keySet());
        return all;
    }

    private void write() throws IOException {
        StringBuilder body = new StringBuilder(256);
        body.append(MAGIC).append('\n');
        body.append("nextId ").append(nextId).append('\n');
        for (Map.Entry<String, Outage> e : open.entrySet()) {
            line(body, "open", e.getKey(), e.getValue());
        }
        for (Map.Entry<String, List<Outage>> e : closed.entrySet()) {
            for (Outage o : e.getValue()) {
                line(body, "closed", e.getKey(), o);
            }
        }
        SealedText.write(file, body.toString());
    }

    private static void line(StringBuilder b, String kind, String device, Outage o) {
        o.appendTo(b.append(kind).append(' ').append(device).append(' '));
    }

    private void parse(String text) {
        String[] lines = SealedText.read(text, MAGIC);
        try {
            for (int i = 0; i < lines.length; i++) {
                String[] f = lines[i].split(" ", -1);
                switch (f[0]) {
                    case "nextId" -> nextId = Long.parseLong(f[1]);
                    case "open" -> open.put(f[1], Outage.read(f, 2));
                    case "closed" -> closed.computeIfAbsent(f[1], k -> new ArrayList<>()).add(Outage.read(f, 2));
                    default -> throw new IllegalArgumentException("unknown line " + (i + 2));
                }
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("malformed line", e);
        }
    }
}
