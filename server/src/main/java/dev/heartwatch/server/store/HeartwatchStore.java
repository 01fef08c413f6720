package dev.heartwatch.server.store;

import dev.heartwatch.core.rule.SilenceRule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The server's store, assembled: the {@link Database} and its repositories (devices and
 * flips, the outbox, the stored facts with their beat runs) and the group-commit
 * {@link LineWriter}. It holds no SQL of its own.
 */
public final class HeartwatchStore implements AutoCloseable {
    /** The runs' threshold when none is given: the silence rule's default. */
    public static final Duration DEFAULT_THRESHOLD = SilenceRule.recommended().threshold();

    private final Database database;
    private final DeviceRepository devices;
    private final Outbox outbox;
    private final LineRepository facts;
    private final LineWriter writer;
    private final ChannelThreads threads;
    private final RegistryRepository registry;

    private HeartwatchStore(Database database, Duration runThreshold, boolean withWriter) {
        this.database = database;
        this.devices = new DeviceRepository(database);
        this.outbox = new Outbox(database);
        this.facts = new LineRepository(database);
        this.threads = new ChannelThreads(database);
        this.registry = new RegistryRepository(database);
        this.writer = withWriter ? new LineWriter(database.writerConnection(), 65_536, runThreshold, database.walSync()) : null;
    }

    /**
     * Opens (creating or migrating if needed) the database for the server, with the line writer;
     * rebuilds the beat runs from the raw beats if they were built with another threshold.
     *
     * @param threshold the silence rule's threshold: a run breaks where beats are further apart
     */
    public static HeartwatchStore open(Path file, String synchronous, Duration threshold) {
        Database db = Database.open(file, synchronous, true);
        try {
            db.inTransaction(c -> BeatRuns.ensureThreshold(c, threshold));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return new HeartwatchStore(db, threshold, true);
    }

    /** {@link #open(Path, String, Duration)} with the default threshold. */
    public static HeartwatchStore open(Path file, String synchronous) {
        return open(file, synchronous, DEFAULT_THRESHOLD);
    }

    /** Opens the database for the {@code devices} CLI: control connection only, runs untouched. */
    public static HeartwatchStore openForAdmin(Path file) {
        return new HeartwatchStore(Database.open(file, "FULL", false), DEFAULT_THRESHOLD, false);
    }

    public Database database() {
        return database;
    }

    public DeviceRepository devices() {
        return devices;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** What channels remember of their threads (the GitHub issue of an outage). */
    public ChannelThreads channelThreads() {
        return threads;
    }

    /** The device registry: each described device's schedule and channels (issue 16). */
    public RegistryRepository registry() {
        return registry;
    }

    /** The stored heartbeats, outage reports and probes, and their beat runs. */
    public LineRepository facts() {
        return facts;
    }

    /** The group-commit writer of the lines; null for an admin-only store. */
    public LineWriter lines() {
        return writer;
    }

    /** {@link LineRepository#streamLines}, where the history endpoint reads it. */
    public void streamLines(Instant from, Instant to, String device, LineRepository.LineSink sink) throws IOException {
        facts.streamLines(from, to, device, sink);
    }

    /** {@link LineRepository#texts}, for inspection and tests. */
    public java.util.List<String> lineTexts(String device, String kind, Instant from, Instant to) {
        return facts.texts(device, kind, from, to);
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
        database.close();
    }
}
