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
import java.util.List;

/**
 * What the agent knows about its outages, kept in a small file so a crash, a
 * {@code kill -9} or a power cut loses nothing: every change is written to a
 * temporary file, fsync'd, renamed over the ledger, and the directory fsync'd.
 * The last line holds a CRC32 of the rest; a file that does not check out is
 * renamed aside and the agent starts a fresh ledger.
 *
 * <p>A plain successful beat, which changes nothing but the time of the last
 * success, does not rewrite the ledger: it writes that time in place to the
 * {@link AliveStamp} next to it ({@code <ledger>.alive}), and {@link #open}
 * takes whichever of the two is newer.
 *
 * <p>Lifecycle of an outage: opened by the first failed beat, closed by the
 * first successful one, then carried in every heartbeat until a {@code 200}
 * acknowledges it, and only then forgotten.
 */
public final class OutageLedger implements AutoCloseable {
    private static final String MAGIC = "heartwatch-ledger 1";

    private final Path file;
    private final AgentLog log;
    private final AliveStamp stamp;
    /** The ledger file does not hold everything in memory but {@code lastSuccess}: the next change rewrites it. */
    private boolean dirty = true;
    private boolean stampFailing;
    private long lastSuccess = -1;
    private long cleanStop = -1;
    private long nextId = 1;
    private Outage open;
    private final List<Outage> closed = new ArrayList<>();
    /** Fan-out stack faults, open and closed-but-unreported, apart from the home's outages. */
    private final List<StackFault> faults = new ArrayList<>();

    private OutageLedger(Path file, AgentLog log, AliveStamp stamp) {
        this.file = file;
        this.log = log;
        this.stamp = stamp;
    }

    /**
     * A ledger in memory only, for {@code --once}: it reads no file, writes none, and so reports
     * no pending outage and records none. A one-shot beat (cron, the wrapper script) is not a
     * continuous watch, and the beat loop of the same host may own the ledger file: two writers
     * would race over it (docs/agent.md, "One beat: --once").
     */
    public static OutageLedger detached(AgentLog log) {
        return new OutageLedger(null, log, null);
    }

    /** Loads the ledger; a missing file is a fresh start, a corrupt one is kept aside. */
    public static OutageLedger open(Path file, long nowMs, AgentLog log) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path stampFile = file.resolveSibling(file.getFileName() + ".alive");
        AliveStamp.Reading alive = readStamp(stampFile, log);
        OutageLedger ledger = new OutageLedger(file, log, new AliveStamp(stampFile, alive.seq()));
        try {
            ledger.parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            ledger.dirty = false;
        } catch (NoSuchFileException e) {
            // A fresh start: nothing on disk yet.
        } catch (IllegalArgumentException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + nowMs);
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            log.event("ledger " + file + " is corrupt (" + e.getMessage() + "); kept it as " + aside.getFileName()
                    + " and started a new one; outages recorded in it are not reported");
            // ids stay unique: they carry the start time
            ledger = new OutageLedger(file, log, ledger.stamp);
        }
        // The stamp is newer when the last beats were plain successes; a full write carries lastSuccess too.
        ledger.lastSuccess = Math.max(ledger.lastSuccess, alive.millis());
        return ledger;
    }

    /** The stamp's newest valid time; a missing, unreadable or garbled stamp is no time at all. */
    private static AliveStamp.Reading readStamp(Path path, AgentLog log) {
        AliveStamp.Reading r;
        try {
            r = AliveStamp.read(path);
        } catch (IOException e) {
            log.event("cannot read the alive stamp " + path + " (" + e.getClass().getSimpleName()
                    + "); using the ledger's last success");
            return AliveStamp.Reading.NONE_VALID;
        }
        if (r.exists() && !r.valid()) {
            log.event("alive stamp " + path + " holds no valid time (torn or not a stamp); "
                    + "using the ledger's last success");
        }
        return r;
    }

    /**
     * At start-up: the agent was itself down when it last succeeded long ago
     * (more than two intervals) and no clean stop was recorded. That gap opens an
     * {@code agent_not_running} outage, closed by the first successful beat.
     */
    public synchronized boolean noticeStartUp(long nowMs, long intervalMs) throws IOException {
        boolean gap = cleanStop < 0 && lastSuccess >= 0 && open == null && nowMs - lastSuccess > 2 * intervalMs;
        if (gap) {
            open = new Outage(newId(lastSuccess + intervalMs), lastSuccess + intervalMs, Outage.OPEN,
                    Cause.AGENT_NOT_RUNNING, "agent was not running (no clean stop recorded)");
        }
        cleanStop = -1;
        write();
        return gap;
    }

    /** A failed beat: opens an outage unless one is open. Returns the opened one, or null. */
    public synchronized Outage recordFailure(long nowMs, Cause cause, String detail) throws IOException {
        if (open != null) {
            return null;
        }
        open = new Outage(newId(nowMs), nowMs, Outage.OPEN, cause, detail);
        write();
        return open;
    }

    /**
     * A successful beat: forgets what the endpoint acknowledged, closes the open
     * outage (to be reported by the next beat). Returns the closed outage, or null.
     */
    public synchronized Outage recordSuccess(long nowMs, Collection<String> acknowledged) throws IOException {
        boolean forgot = false;
        for (Iterator<Outage> it = closed.iterator(); it.hasNext(); ) {
            if (acknowledged.contains(it.next().id())) {
                it.remove();
                forgot = true;
            }
        }
        Outage ended = null;
        if (open != null) {
            ended = open.closedAt(nowMs);
            closed.add(ended);
            open = null;
        }
        lastSuccess = nowMs;
        if (forgot || ended != null || dirty || !stamped(nowMs)) {
            write();
        }
        return ended;
    }

    /** A plain success: only its time changed, so the stamp records it; false means write the ledger instead. */
    private boolean stamped(long nowMs) {
        if (stamp == null) {
            return true;
        }
        try {
            stamp.write(nowMs);
        } catch (IOException e) {
            if (!stampFailing) {
                log.event("cannot write the alive stamp " + stamp.file() + " (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + "); rewriting the whole ledger at each beat until it can be written");
            }
            stampFailing = true;
            return false;
        }
        stampFailing = false;
        return true;
    }

    /** A deliberate stop: no gap to report at the next start; an open outage ends here. */
    public synchronized void recordCleanStop(long nowMs) throws IOException {
        if (open != null) {
            Outage o = open.closedAt(nowMs);
            closed.add(new Outage(o.id(), o.start(), o.end(), o.cause(), o.detail() + " (ended by agent stop)"));
            open = null;
        }
        cleanStop = nowMs;
        write();
    }

    /** Closed outages not yet acknowledged, oldest first, at most {@code cap}. */
    public synchronized List<Outage> pending(int cap) {
        return List.copyOf(closed.subList(0, Math.min(cap, closed.size())));
    }

    /**
     * Fan-out: {@code stack} failed while {@code answered} answered. Opens its stack fault or
     * counts one more missed beat; written like every other change (survives a restart).
     * Returns true when this opened the fault.
     */
    public synchronized boolean recordStackMissed(String stack, long nowMs, String answered) throws IOException {
        for (int i = 0; i < faults.size(); i++) {
            StackFault f = faults.get(i);
            if (f.isOpen() && f.stack().equals(stack)) {
                faults.set(i, new StackFault(stack, f.start(), Outage.OPEN, f.missed() + 1, f.answered()));
                write();
                return false;
            }
        }
        faults.add(new StackFault(stack, nowMs, Outage.OPEN, 1, answered));
        write();
        return true;
    }

    /** {@code stack} answered (or the home went down): closes its open fault; returns it, or null. */
    public synchronized StackFault recordStackAnswered(String stack, long nowMs) throws IOException {
        for (int i = 0; i < faults.size(); i++) {
            StackFault f = faults.get(i);
            if (f.isOpen() && f.stack().equals(stack)) {
                StackFault ended = new StackFault(stack, f.start(), nowMs, f.missed(), f.answered());
                faults.set(i, ended);
                write();
                return ended;
            }
        }
        return null;
    }

    /** The oldest closed fault of {@code stack} not yet reported to it, or null. */
    public synchronized StackFault unreportedStackFault(String stack) {
        for (StackFault f : faults) {
            if (!f.isOpen() && f.stack().equals(stack)) {
                return f;
            }
        }
        return null;
    }

    /** The stacks with an open fault, in the order they started. */
    public synchronized List<String> openStackFaults() {
        List<String> open = new ArrayList<>();
        for (StackFault f : faults) {
            if (f.isOpen()) {
                open.add(f.stack());
            }
        }
        return open;
    }

    /** The stack answered 2xx to a beat whose note reported {@code f}: forget it. */
    public synchronized void stackFaultReported(StackFault f) throws IOException {
        if (faults.remove(f)) {
            write();
        }
    }

    public synchronized Outage openOutage() {
        return open;
    }

    synchronized long lastSuccess() {
        return lastSuccess;
    }

    /** Releases the stamp's file; a later plain success opens it again. */
    @Override
    public synchronized void close() {
        if (stamp != null) {
            stamp.close();
        }
    }

    private String newId(long startMs) {
        return Long.toString(startMs, 36) + "-" + nextId++;
    }

    private void write() throws IOException {
        if (file == null) {
            dirty = false; // detached: nothing on disk to keep in step
            return;
        }
        dirty = true;
        StringBuilder body = new StringBuilder(256);
        body.append(MAGIC).append('\n');
        body.append("lastSuccess ").append(lastSuccess).append('\n');
        body.append("cleanStop ").append(cleanStop).append('\n');
        body.append("nextId ").append(nextId).append('\n');
        if (open != null) {
            line(body, "open", open);
        }
        for (Outage o : closed) {
            line(body, "closed", o);
        }
        for (StackFault f : faults) {
            f.appendTo(body.append("fault "));
        }
        SealedText.write(file, body.toString()); // temp file, fsync, rename, fsync of the directory
        dirty = false;
    }

    private static void line(StringBuilder b, String kind, Outage o) {
        o.appendTo(b.append(kind).append(' '));
    }

    private void parse(String text) {
        String[] lines = SealedText.read(text, MAGIC);
        try {
            for (int i = 0; i < lines.length; i++) {
                String[] f = lines[i].split(" ", -1);
                switch (f[0]) {
                    case "lastSuccess" -> lastSuccess = Long.parseLong(f[1]);
                    case "cleanStop" -> cleanStop = Long.parseLong(f[1]);
                    case "nextId" -> nextId = Long.parseLong(f[1]);
                    case "open" -> open = Outage.read(f, 1);
                    case "closed" -> closed.add(Outage.read(f, 1));
                    case "fault" -> {
                        if (f.length != 6) {
                            throw new IllegalArgumentException("malformed fault line");
                        }
                        faults.add(StackFault.read(f, 1));
                    }
                    default -> throw new IllegalArgumentException("unknown line " + (i + 2));
                }
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("malformed line", e);
        }
    }

    /** Detail text on one line without spaces: percent-encode '%', spaces and control characters. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' || c <= ' ' || c == 0x7f) {
                b.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c == '%') {
                throw new IllegalArgumentException("bad escape");
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
