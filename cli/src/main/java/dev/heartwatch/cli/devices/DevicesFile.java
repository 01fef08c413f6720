package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.DeviceRegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The device registry file ({@code infra/devices.json}, read by {@link DeviceRegistry#parse}):
 * device ids and {@code {id, expected, period | cron + timeZone, grace, channels}} entries.
 * Written whole to a temporary file beside it and renamed over it, so a reader never sees half
 * a file.
 */
public final class DevicesFile {
  private final Path path;

  public DevicesFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  public boolean exists() {
    return Files.exists(path);
  }

  /** The registry; a file {@link DeviceRegistry#parse} refuses is refused with every problem. */
  public DeviceRegistry read() {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "cannot read devices file " + path + ": " + e.getMessage());
    }
    try {
      return DeviceRegistry.parse(text);
    } catch (DeviceRegistryException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "devices file " + path + " is invalid: " + String.join("; ", e.problems()));
    }
  }

  public void write(DeviceRegistry registry) {
    String text = registry.toJson();
    Path dir = path.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try {
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.FAILURE, "cannot write devices file " + path + ": " + e.getMessage());
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The rename happened or the write failed; either way the real file is intact.
        }
      }
    }
  }
}
