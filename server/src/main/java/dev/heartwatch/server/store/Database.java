package dev.heartwatch.server.store;

import dev.heartwatch.common.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The SQLite file: its connections, their pragmas, the schema's version and the one way to
 * write, {@link #inTransaction}.
 *
 * <p>WAL journal with {@code synchronous=FULL} by default: every commit is fsync'd before a
 * heartbeat is acknowledged, so neither {@code kill -9} nor a power cut loses an acknowledged
 * beat; group commit ({@link LineWriter}) pays one fsync per batch, not per request.
 * With FULL the line writer's own connection commits with NORMAL and syncs the WAL from a second
 * thread before it acknowledges ({@link WalSync}: the same durability, one fsync per several
 * batches, and the next batch is written while the last one is synced). {@code NORMAL}
 * (configurable) survives {@code kill -9} too (the WAL is in the OS's cache) but may lose the
 * last commits on power loss; {@code EXTRA} leaves every sync to SQLite.
 *
 * <p>Connections: the "control" connection (evaluator, sender, admin, dashboard reads), used
 * under this object's lock; with a writer, one for the {@link LineWriter} thread and one for the
 * background checkpointer; and a fresh read-only one per stream ({@link #openReader}). Another
 * process (the {@code devices} CLI) may write the same file; the busy timeout serialises it.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    static final int BUSY_TIMEOUT_MS = 10_000;

    /**
     * The writer still checkpoints after commits once the WAL holds this many pages: only the
     * writer can restart the WAL from its beginning, and only right after a checkpoint that
     * copied everything. The background checkpointer has copied nearly all of them by then,
     * so the writer's share is a few pages: a commit never waits for a whole checkpoint.
     */
    static final int WRITER_CHECKPOINT_PAGES = 4_000;

    /** The WAL's bound: about 256 MiB with 4 KiB pages. */
    private static final long MAX_WAL_FRAMES = 65_536;

    /** Work on a connection inside a transaction. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T apply(Connection c) throws SQLException;
    }

    private final Path file;
    private final String synchronous;
    private final Connection control;
    private final Connection writer;
    private final Connection checkpointConnection;
    private final ScheduledExecutorService checkpointer;
    private final WalSync.FileWalSync walSync;

    private Database(Path file, String synchronous, Connection control, Connection writer, Connection checkpointConnection,
                     WalSync.FileWalSync walSync) {
        this.file = file;
        this.walSync = walSync;
        this.synchronous = synchronous;
        this.control = control;
        this.writer = writer;
        this.checkpointConnection = checkpointConnection;
        if (checkpointConnection == null) {
            this.checkpointer = null;
        } else {
            this.checkpointer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "heartwatch-wal-checkpoint");
                t.setDaemon(true);
                return t;
            });
            checkpointer.scheduleWithFixedDelay(this::checkpoint, 200, 200, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Opens (creating if needed) the file and brings its schema to the latest version. A new
     * file and the folders made for it are the owner's only (0600, 0700), set before anything is
     * written to it; SQLite gives its {@code -wal} and {@code -shm} the database file's mode. An
     * existing file that others may read is left as it is, with a warning. (A database file
     * created empty beforehand, at mode 0600, made SQLite's first write transactions fail with
     * {@code SQLITE_BUSY}: so SQLite creates it, and the mode is set right after.)
     *
     * @param withWriter also the line writer's connection and the background checkpointer (the
     *                   server); without, the control connection only (the {@code devices} CLI)
     */
    public static Database open(Path file, String synchronous, boolean withWriter) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                PrivateFiles.createDirectories(parent);
            }
            boolean created = !Files.exists(file);
            if (!created) {
                PrivateFiles.openToOthers(file).ifPresent(mode -> LOG.warning("database " + file + " has mode " + mode
                        + ": other local users can read device names and addresses (chmod 600 it)"));
            }
            Connection control = connect(file, synchronous);
            if (created) {
                // SQLite creates the file by the umask; it holds nothing yet. Its -wal and -shm
                // take the database file's mode whenever SQLite makes them again.
                for (String suffix : new String[] {"", "-wal", "-shm"}) {
                    PrivateFiles.restrictToOwner(Path.of(file + suffix));
                }
            }
            Migrations.apply(control);
            Connection w = null;
            Connection cp = null;
            WalSync.FileWalSync sync = null;
            if (withWriter) {
                boolean writerSyncsItself = "FULL".equals(synchronous);
                w = connect(file, writerSyncsItself ? "NORMAL" : synchronous);
                if (writerSyncsItself) {
                    sync = WalSync.open(file.toAbsolutePath());
                }
                try (Statement s = w.createStatement()) {
                    s.execute("PRAGMA wal_autocheckpoint=" + WRITER_CHECKPOINT_PAGES);
                }
                w.commit();
                cp = connect(file, synchronous);
                // Outside any transaction: a checkpointer holding a read snapshot would keep the
                // writer from ever restarting the WAL.
                cp.setAutoCommit(true);
            }
            return new Database(file, synchronous, control, w, cp, sync);
        } catch (SQLException | IOException e) {
            throw new StoreUnavailableException("cannot open database " + file + ": " + e.getMessage());
        }
    }

    /** {@code ?,?,?} for an {@code IN} list of {@code n} values (n at least 1). */
    static String placeholders(int n) {
        return "?" + ",?".repeat(n - 1);
    }

    static Connection connect(Path file, String synchronous) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + synchronous);
            s.execute("PRAGMA foreign_keys=ON");
            // After a checkpoint the WAL is cut back to this size rather than left at its peak.
            s.execute("PRAGMA journal_size_limit=67108864");
        }
        c.setAutoCommit(false);
        return c;
    }

    /**
     * Runs {@code work} on the control connection in one transaction: committed when it returns,
     * rolled back when it throws (a {@link SQLException} becomes a {@link StoreUnavailableException}).
     * Reads go through here too, so their snapshot ends with them.
     */
    public <T> T inTransaction(SqlWork<T> work) {
        synchronized (control) {
            return inTransaction(control, work);
        }
    }

    /** The same on a connection the caller owns (the line writer's thread). */
    static <T> T inTransaction(Connection c, SqlWork<T> work) {
        try {
            T result = work.apply(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // The transaction is gone either way.
            }
            if (e instanceof SQLException sql) {
                throw failure(sql);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * A read-only connection of its own (WAL: it never blocks the writer, and a slow reader
     * never holds the control connection's lock); the caller closes it.
     */
    public Connection openReader() throws SQLException {
        Connection reader = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = reader.createStatement()) {
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            s.execute("PRAGMA query_only=ON");
        }
        return reader;
    }

    /** The line writer's connection; null without a writer. */
    Connection writerConnection() {
        return writer;
    }

    /** The WAL sync the line writer runs before it acknowledges; null when SQLite syncs each commit itself, or never. */
    WalSync walSync() {
        return walSync;
    }

    Path file() {
        return file;
    }

    String synchronous() {
        return synchronous;
    }

    static StoreUnavailableException failure(SQLException e) {
        return new StoreUnavailableException("database error: " + e.getMessage());
    }

    /**
     * Copies committed WAL pages into the database file beside the writer (a PASSIVE checkpoint
     * never blocks it), so the writer's own automatic checkpoint, which it needs to restart the
     * WAL, finds almost nothing left to copy and no commit waits long for it.
     */
    private void checkpoint() {
        try (Statement s = checkpointConnection.createStatement()) {
            // PASSIVE checkpoints back to back while the WAL holds pages to copy: the writer
            // restarts the WAL from its beginning as soon as one has copied everything.
            for (int round = 0; round < 50; round++) {
                long walFrames;
                long copied;
                try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                    rs.next();
                    walFrames = rs.getLong(2);
                    copied = rs.getLong(3);
                }
                if (walFrames > MAX_WAL_FRAMES) {
                    // The copying never caught up: bound the WAL, at the price of one short stall.
                    try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                        rs.next();
                    }
                    return;
                }
                if (walFrames < 1_000 || copied >= walFrames) {
                    return;
                }
            }
        } catch (SQLException e) {
            // Busy or closing: the next round catches up.
        }
    }

    /** Stops the checkpointer; the writer must have stopped before. */
    @Override
    public void close() {
        if (checkpointer != null) {
            checkpointer.shutdownNow();
        }
        synchronized (control) {
            try {
                if (checkpointConnection != null) {
                    checkpointConnection.close();
                }
                control.close();
                if (writer != null) {
                    writer.close();
                }
                if (walSync != null) {
                    walSync.close();
                }
            } catch (SQLException | IOException ignored) {
                // Closing: SQLite has committed everything that was acknowledged.
            }
        }
    }
}
