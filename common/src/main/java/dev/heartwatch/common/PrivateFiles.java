package dev.heartwatch.common;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Files and folders that only their owner may read: device names, home addresses and alerts are
 * nobody else's business on a shared machine. The mode is given at creation
 * ({@code 0600}/{@code 0700}), so nothing is readable by others even for a moment, and set again
 * right after, since {@code open(2)} applies the umask to it: the result is exactly that mode
 * whatever the umask. On a file system without POSIX permissions they are created plainly.
 */
public final class PrivateFiles {
    private PrivateFiles() {
    }

    public static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    /** Creates {@code file} with mode 0600 unless it exists; true when it was created. */
    public static boolean createFile(Path file) throws IOException {
        try {
            if (isPosix(file)) {
                Files.createFile(file, attribute(OWNER_FILE));
                Files.setPosixFilePermissions(file, OWNER_FILE);
            } else {
                Files.createFile(file);
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /** Creates {@code dir} and its missing parents, each created one with mode 0700. */
    public static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            if (isPosix(parent == null ? absolute : parent)) {
                Files.createDirectory(absolute, attribute(OWNER_DIRECTORY));
                Files.setPosixFilePermissions(absolute, OWNER_DIRECTORY);
            } else {
                Files.createDirectory(absolute);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
        }
    }

    /** Sets an existing {@code path} to 0600 (a file) or 0700 (a folder); nothing if it is absent. */
    public static void restrictToOwner(Path path) throws IOException {
        if (Files.exists(path) && isPosix(path)) {
            Files.setPosixFilePermissions(path, Files.isDirectory(path) ? OWNER_DIRECTORY : OWNER_FILE);
        }
    }

    /**
     * The permissions of an existing {@code path} that let others than its owner in
     * ({@code group-read}, {@code others-write}...), for a warning; empty when none do or the
     * file system has no POSIX permissions.
     */
    public static Optional<String> openToOthers(Path path) throws IOException {
        if (!isPosix(path)) {
            return Optional.empty();
        }
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
        boolean open = p.stream().anyMatch(x -> !x.name().startsWith("OWNER_"));
        return open ? Optional.of(PosixFilePermissions.toString(p)) : Optional.empty();
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }
}
