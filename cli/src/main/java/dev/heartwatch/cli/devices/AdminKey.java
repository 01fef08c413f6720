package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The server's admin key for {@code --server}: the first line of {@code --admin-key-file}, else
 * env {@code HEARTWATCH_ADMIN_KEY}. Never an option's value: arguments show in {@code ps} and in
 * shell history.
 */
final class AdminKey {
  static final String ENV = "HEARTWATCH_ADMIN_KEY";

  private AdminKey() {}

  static String resolve(Path file, Function<String, String> env) {
    String key;
    if (file != null) {
      try {
        key = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
      } catch (IOException e) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "cannot read --admin-key-file " + file + ": " + e.getMessage());
      }
    } else {
      key = env.apply(ENV);
    }
    key = key == null ? "" : key.strip();
    if (key.isEmpty()) {
      throw new CliFailure(ExitCodes.AUTH, "--server needs the server's admin key (one of its HEARTWATCH_ADMIN_KEYS):"
          + " env " + ENV + " or --admin-key-file FILE" + (file != null ? " (" + file + " is empty)" : ""));
    }
    if (!key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "the admin key must be printable ASCII without spaces (it travels in a header)");
    }
    return key;
  }
}
