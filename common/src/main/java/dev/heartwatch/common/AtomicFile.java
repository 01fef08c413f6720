package dev.heartwatch.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file's content all at once: readers (and a crash) see the old content or the new,
 * never half of either. The bytes go to a temporary file in the same directory (a rename is
 * atomic only within one file system), which is renamed over the target. With {@code durable},
 * the temporary file is fsync'd before the rename and the directory after it, so the new
 * content survives a power cut once this returns (POSIX leaves a rename in the page cache until
 * the directory is synced).
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /**
     * Writes {@code content} to {@code target}, replacing it.
     *
     * @param durable fsync file and directory: for state that must outlive a power cut
     * @throws IOException when it cannot be written; the target is then unchanged and no
     *                     temporary file is left behind
     */
    public static void write(Path target, byte[] content, boolean durable) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path tmp = dir.resolve(absolute.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                if (durable) {
                    ch.force(true);
                }
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Same directory, so the same file system: the provider's plain replace is a rename too.
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            if (Files.isRegularFile(tmp, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(tmp); // ours, half written; anything else in its place is left alone
            }
            throw e;
        }
        if (durable) {
            syncDirectory(dir);
        }
    }

    /**
     * Makes a rename or a file creation in {@code dir} durable. Some file systems refuse to open
     * a directory: then there is nothing more to do (the file itself is already synced).
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // see above
        }
    }
}
