package dev.heartwatch.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplacesLeavingNoTemporaryFile() throws IOException {
        Path f = dir.resolve("state");
        for (boolean durable : new boolean[] {true, false}) {
            AtomicFile.write(f, "one".getBytes(StandardCharsets.UTF_8), durable);
            AtomicFile.write(f, "two".getBytes(StandardCharsets.UTF_8), durable);
            assertEquals("two", Files.readString(f));
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the file itself");
        }
    }

    @Test
    void aFailedWriteLeavesTheOldContentWhole() throws IOException {
        Path f = dir.resolve("state");
        AtomicFile.write(f, "old".getBytes(StandardCharsets.UTF_8), true);
        Path blocker = dir.resolve("state.tmp");
        Files.createDirectory(blocker); // the temporary file cannot be made
        assertThrows(IOException.class, () -> AtomicFile.write(f, "new".getBytes(StandardCharsets.UTF_8), true));
        assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(f));
        assertTrue(Files.isDirectory(blocker), "what stood in the temporary file's place is left alone");
    }

    @Test
    void aFileInASubdirectoryHasItsTemporaryFileBesideIt() throws IOException {
        Path target = dir.resolve("sub").resolve("x");
        Files.createDirectories(target.getParent());
        AtomicFile.write(target, new byte[0], true);
        assertTrue(Files.exists(target));
        assertFalse(Files.exists(target.resolveSibling("x.tmp")));
    }
}
