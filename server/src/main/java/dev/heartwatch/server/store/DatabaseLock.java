package dev.heartwatch.server.store;

import dev.heartwatch.common.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One server per database: {@code <db>.lock} beside the file, locked with
 * {@link FileChannel#tryLock()} for the server's whole life. Two servers on one file would
 * evaluate the same devices twice and race each other's alerts.
 *
 * <p>The lock is on a file of its own, never on SQLite's: the {@code devices} CLI and other
 * readers keep opening the database beside a running server (SQLite's own locking orders their
 * writes). The OS drops the lock when the process dies, {@code kill -9} included, so a stale lock
 * file never blocks a restart. It holds the owner's process id, for the refusal's message only.
 */
public final class DatabaseLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DatabaseLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** {@code <database>.lock}, beside the database's real location (a symlink leads to one lock). */
    public static Path lockFileOf(Path database) throws IOException {
        Path absolute = database.toAbsolutePath();
        Path real = Files.exists(absolute) ? absolute.toRealPath()
                : absolute.getParent().toRealPath().resolve(absolute.getFileName());
        return real.resolveSibling(real.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code database} (its folder must exist).
     *
     * @throws IOException when another server holds it (the message says which file, and who)
     */
    public static DatabaseLock acquire(Path database) throws IOException {
        Path file = lockFileOf(database);
        // A lock held by this very process is refused before a second descriptor of the file is
        // opened: POSIX drops a process's lock when it closes any descriptor of that file, so
        // the refused attempt's close would have freed the first server's lock.
        if (!HELD_HERE.add(file)) {
            throw refused(database, file, " (process " + ProcessHandle.current().pid() + ")");
        }
        FileChannel channel = null;
        try {
            PrivateFiles.createFile(file);
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw refused(database, file, holder(channel));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new DatabaseLock(file, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close(); // releases the lock, if it was taken
            }
            HELD_HERE.remove(file);
            throw e;
        }
    }

    /** Lock files this process holds, by real path. */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private static IOException refused(Path database, Path file, String holder) {
        return new IOException("another heartwatch-server" + holder + " is using the database "
                + database + " (it holds the lock file " + file + "); stop it first, or give this one its "
                + "own HEARTWATCH_DB. The devices command works beside it.");
    }

    /** " (process 1234)" from the lock file, or "" when it holds no process id. */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(24);
            channel.read(b, 0);
            String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
            return text.matches("[0-9]{1,19}") ? " (process " + text + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    public Path file() {
        return file;
    }

    /** Releases the lock; the file stays (removing it could race a server taking it). */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // Closing the channel releases the lock in any case; the OS does at exit.
        } finally {
            HELD_HERE.remove(file);
        }
    }
}
