package dev.heartwatch.server.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The line writer's fsync, taken out of SQLite's commit so that it runs beside the next batch
 * instead of in front of it. The writer's connection commits with {@code synchronous=NORMAL}
 * (in WAL mode: the commit's frames are written to the WAL, not synced); the writer's second
 * thread then calls {@link #force} once for every batch committed since the last call, and
 * only then are their requests acknowledged.
 *
 * <p>Why that is as durable as {@code synchronous=FULL} for what is acknowledged: in WAL mode
 * FULL differs from NORMAL only by one sync of the WAL file after each commit ("PRAGMA
 * synchronous", sqlite.org: NORMAL still syncs the WAL before each checkpoint, the database
 * after it, and the WAL header when the WAL is reused). {@code fdatasync} on any descriptor of
 * the file flushes every page written to it, so a commit that returned before {@link #force}
 * began is on disk when it returns. Frames that a restarted WAL overwrites were checkpointed,
 * and synced in the database file, before the restart.
 */
interface WalSync {
    /** Makes every commit that returned before this call durable. */
    void force() throws IOException;

    /** The sync of {@code <database>-wal}; the WAL must exist (the schema's migration made it). */
    static FileWalSync open(Path databaseFile) throws IOException {
        Path wal = databaseFile.resolveSibling(databaseFile.getFileName() + "-wal");
        if (!Files.exists(wal)) {
            throw new IOException("no write-ahead log at " + wal + " (is the database in WAL mode?)");
        }
        // The WAL's own directory entry must be durable too: sync the directory once.
        Path dir = databaseFile.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
        // WRITE without CREATE or TRUNCATE: opened to be synced, never written through.
        return new FileWalSync(FileChannel.open(wal, StandardOpenOption.WRITE));
    }

    /** The real one, on the WAL file's channel. */
    final class FileWalSync implements WalSync, AutoCloseable {
        private final FileChannel wal;

        private FileWalSync(FileChannel wal) {
            this.wal = wal;
        }

        @Override
        public void force() throws IOException {
            wal.force(false);
        }

        @Override
        public void close() throws IOException {
            wal.close();
        }
    }
}
