package dev.heartwatch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.server.cli.DevicesCommand;
import dev.heartwatch.server.store.Database;
import dev.heartwatch.server.support.ChildProcess;
import dev.heartwatch.server.support.LogCapture;
import dev.heartwatch.server.support.RunningServer;
import dev.heartwatch.server.support.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, D10: one server per database (a lock file beside it, never a lock on SQLite, so the
 * {@code devices} command still works beside a running server), and the files it creates are
 * its owner's only.
 */
class OneServerPerDatabaseTest {
    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("heartwatch.db");
    }

    @Test
    void aSecondServerInTheSameProcessIsRefusedNamingTheLockFile() throws Exception {
        try (RunningServer first = new RunningServer(TestConfig.config(dir), Clock.systemUTC())) {
            IOException e = assertThrows(IOException.class,
                    () -> HeartwatchServer.start(TestConfig.config(dir), Clock.systemUTC(), System.out).close());
            assertTrue(e.getMessage().startsWith("another heartwatch-server (process " + ProcessHandle.current().pid() + ") is using "
                    + "the database " + db() + " (it holds the lock file " + db().toRealPath() + ".lock)"), e.getMessage());
            // The first one is unharmed: it still takes beats, and still holds the lock against
            // another process (POSIX drops a process's lock when any of its descriptors of the
            // file is closed, as the refused attempt closed its own).
            assertEquals(200, first.send(HttpRequest.newBuilder(first.uri("/api/ping?device=pi"))
                    .header("x-functions-key", TestConfig.KEY).GET()).statusCode());
            assertSecondProcessRefused();
        }
        // Released at close: the next server starts.
        HeartwatchServer.start(TestConfig.config(dir), Clock.systemUTC(), System.out).close();
    }

    /** A real second process, as an operator would start it: the OS lock, not the JVM's bookkeeping. */
    @Test
    void aSecondServerProcessIsRefusedWithOneLine() throws Exception {
        try (RunningServer first = new RunningServer(TestConfig.config(dir), Clock.systemUTC())) {
            assertSecondProcessRefused();
        }
    }

    private void assertSecondProcessRefused() throws Exception {
        Map<String, String> env = new HashMap<>(TestConfig.settings(dir));
        Path log = Files.createTempFile(dir, "second", ".log");
        try (ChildProcess second = ChildProcess.start(List.of(ChildProcess.java(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), HeartwatchServer.class.getName()), env, log)) {
            assertEquals(1, second.exitCode(60), second.output());
            String out = Files.readString(log);
            assertTrue(out.contains("cannot start: another heartwatch-server (process " + ProcessHandle.current().pid()
                    + ") is using the database"), out);
            assertTrue(out.contains(db().toRealPath() + ".lock"), out);
            assertTrue(!out.contains("\tat ") && !out.contains("Exception"), out);
        }
    }

    @Test
    void theDevicesCommandWorksBesideARunningServer() throws Exception {
        try (RunningServer server = new RunningServer(TestConfig.config(dir), Clock.systemUTC())) {
            assertEquals(200, server.send(HttpRequest.newBuilder(server.uri("/api/ping?device=home-pi"))
                    .header("x-functions-key", TestConfig.KEY).GET()).statusCode());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = new DevicesCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC())
                    .run(List.of("mute", "home-pi", "PT1H", "--db", db().toString()), Map.of());
            assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
            Instant mutedUntil = server.server.store().devices().device("home-pi").orElseThrow().mutedUntil();
            assertNotNull(mutedUntil, "the running server sees the mute");
            // And the server still writes after the command let go of the file.
            assertEquals(200, server.send(HttpRequest.newBuilder(server.uri("/api/ping?device=home-pi"))
                    .header("x-functions-key", TestConfig.KEY).GET()).statusCode());
        }
    }

    @Test
    void theDatabaseItsJournalsTheLockAndTheOutboxAreTheOwnersOnly() throws Exception {
        Path nested = dir.resolve("state/deeper");
        Map<String, String> settings = Map.of("HEARTWATCH_DB", nested.resolve("heartwatch.db").toString(),
                "HEARTWATCH_OUTBOX", dir.resolve("mail/outbox").toString());
        try (RunningServer server = new RunningServer(TestConfig.config(dir, settings), Clock.systemUTC())) {
            assertEquals(200, server.send(HttpRequest.newBuilder(server.uri("/api/ping?device=pi"))
                    .header("x-functions-key", TestConfig.KEY).GET()).statusCode());
            for (String name : List.of("heartwatch.db", "heartwatch.db-wal", "heartwatch.db-shm", "heartwatch.db.lock")) {
                Path f = nested.resolve(name);
                assertTrue(Files.exists(f), name);
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), name);
            }
            for (Path d : List.of(dir.resolve("state"), nested, dir.resolve("mail"), dir.resolve("mail/outbox"))) {
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)), d.toString());
            }
        }
    }

    @Test
    void anExistingDatabaseOthersCanReadIsWarnedAboutAndLeftAlone() throws Exception {
        new RunningServer(TestConfig.config(dir), Clock.systemUTC()).close();
        Files.setPosixFilePermissions(db(), PosixFilePermissions.fromString("rw-r--r--"));
        try (LogCapture log = new LogCapture(Database.class);
             RunningServer again = new RunningServer(TestConfig.config(dir), Clock.systemUTC())) {
            assertEquals(List.of("database " + db() + " has mode rw-r--r--: other local users can read device names and "
                    + "addresses (chmod 600 it)"), log.messages());
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(db())), "left alone");
        }
    }
}
