package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.common.AtomicFile;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.DeviceRegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The device registry file ({@code infra/devices.json}, read by {@link DeviceRegistry#parse}):
 * device ids and {@code {id, expected, period | cron + timeZone, grace, channels}} entries.
 * Written whole to a temporary file beside it and renamed over it ({@link AtomicFile}), so a
 * reader never sees half a file.
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

  /** Replaces the file whole ({@link AtomicFile}: a reader or a crash sees the old registry or the new). */
  public void write(DeviceRegistry registry) {
    try {
      Path dir = path.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      AtomicFile.write(path, registry.toJson().getBytes(StandardCharsets.UTF_8), true);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.FAILURE, "cannot write devices file " + path + ": " + e.getMessage());
    }
  }
}
