package dev.heartwatch.cli.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminKeyTest {
  static final String KEY = "cli-admin-key-for-tests-0123456789abcdef";

  @TempDir Path dir;

  @Test
  void theFileWinsOverTheEnvironmentAndOnlyItsFirstLineCounts() throws Exception {
    Path file = dir.resolve("admin.key");
    Files.writeString(file, KEY + "\nsecond line\n");
    assertEquals(KEY, AdminKey.resolve(file, Map.of(AdminKey.ENV, "other-key-from-the-environment-0123456789")::get));
    assertEquals(KEY, AdminKey.resolve(null, Map.of(AdminKey.ENV, " " + KEY + "\n")::get));
  }

  @Test
  void noKeyIsAnAuthFailureThatSaysWhereToPutIt() throws Exception {
    CliFailure none = assertThrows(CliFailure.class, () -> AdminKey.resolve(null, Map.<String, String>of()::get));
    assertEquals(ExitCodes.AUTH, none.exitCode());
    assertTrue(none.getMessage().contains("HEARTWATCH_ADMIN_KEY"), none.getMessage());
    Path empty = Files.writeString(dir.resolve("empty.key"), "\n");
    assertEquals(ExitCodes.AUTH, assertThrows(CliFailure.class, () -> AdminKey.resolve(empty, k -> null)).exitCode());
    CliFailure missing = assertThrows(CliFailure.class, () -> AdminKey.resolve(dir.resolve("nope.key"), k -> null));
    assertEquals(ExitCodes.BAD_INPUT, missing.exitCode());
    CliFailure spaced = assertThrows(CliFailure.class, () -> AdminKey.resolve(null, Map.of(AdminKey.ENV, "two words")::get));
    assertEquals(ExitCodes.BAD_INPUT, spaced.exitCode());
    assertTrue(!spaced.getMessage().contains("two words"), "the key is never repeated");
  }
}
