package dev.heartwatch.server.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

/**
 * Why a configured file (a key file, the keystore, the configuration file) could not be opened,
 * in words: the JDK's exceptions carry only the path, so "cannot start: /path" said nothing.
 */
final class FileProblem {
    private FileProblem() {
    }

    /** The reason opening or reading a text file failed: "does not exist", "is not UTF-8 text"... */
    static String text(IOException e) {
        if (e instanceof CharacterCodingException) {
            return "is not UTF-8 text";
        }
        // A plain IOException here is the OS's read error ("Is a directory", "Input/output error").
        return opening(e).orElse("cannot be read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }

    /** The reason an open failed, or empty when {@code e} is not about opening the file. */
    static Optional<String> opening(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Optional.of("does not exist");
        }
        if (e instanceof AccessDeniedException) {
            return Optional.of("cannot be read by this user (permission denied)");
        }
        if (e instanceof FileSystemException fs) {
            return Optional.of("cannot be read: " + (fs.getReason() == null ? fs.getClass().getSimpleName() : fs.getReason()));
        }
        return Optional.empty();
    }
}
