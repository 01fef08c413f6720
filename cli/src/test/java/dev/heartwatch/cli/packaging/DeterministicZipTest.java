package dev.heartwatch.cli.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.HeartwatchCli;
import dev.heartwatch.cli.support.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeterministicZipTest {
  @TempDir Path dir;

  private Path app(String name) throws Exception {
    Path app = Files.createDirectories(dir.resolve(name));
    Files.writeString(app.resolve("host.json"), "{\"version\":\"2.0\"}");
    Files.createDirectories(app.resolve("lib"));
    Files.writeString(app.resolve("lib/z.jar"), "zz");
    Files.writeString(app.resolve("a.txt"), "a");
    Files.createDirectories(app.resolve("Ping"));
    Files.writeString(app.resolve("Ping/function.json"), "{}");
    return app;
  }

  @Test
  void theSameFilesGiveTheSameBytesWhateverTheirTimestamps() throws Exception {
    Path one = app("one");
    Path two = app("two");
    Files.setLastModifiedTime(two.resolve("host.json"), FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));

    DeterministicZip.write(one, dir.resolve("one.zip"));
    DeterministicZip.write(two, dir.resolve("two.zip"));

    assertArrayEquals(Files.readAllBytes(dir.resolve("one.zip")), Files.readAllBytes(dir.resolve("two.zip")));
  }

  @Test
  void entriesAreSortedFilesWithTheFixedTime() throws Exception {
    DeterministicZip.write(app("app"), dir.resolve("app.zip"));
    List<String> names = new ArrayList<>();
    try (ZipFile zip = new ZipFile(dir.resolve("app.zip").toFile())) {
      zip.stream()
          .forEach(
              e -> {
                names.add(e.getName());
                assertEquals(DeterministicZip.FIXED_TIME, e.getTimeLocal());
              });
    }
    assertEquals(List.of("Ping/function.json", "a.txt", "host.json", "lib/z.jar"), names);
  }

  @Test
  void packageCommandPrintsTheSha256AndAChangedFileChangesIt() throws Exception {
    Path app = app("app");
    CliRun first = CliRun.of(new HeartwatchCli(), "package", app.toString(), "--output", dir.resolve("p.zip").toString());
    assertEquals(ExitCodes.OK, first.exitCode(), first.toString());
    assertEquals(64, first.out().strip().length());

    Files.writeString(app.resolve("lib/z.jar"), "changed");
    CliRun second = CliRun.of(new HeartwatchCli(), "package", app.toString(), "--output", dir.resolve("p.zip").toString());
    assertNotEquals(first.out(), second.out());
  }

  @Test
  void aFolderWithoutHostJsonIsNotAFunctionApp() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    CliRun run = CliRun.of(new HeartwatchCli(), "package", empty.toString(), "--output", dir.resolve("p.zip").toString());
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
  }
}
