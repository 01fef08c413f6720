package dev.heartwatch.cli.devices;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --file}, shared by every devices subcommand so it may follow the subcommand. */
public final class DevicesFileOption {
  @Option(
      names = "--file",
      paramLabel = "FILE",
      defaultValue = "infra/devices.json",
      description = "The device registry file (default: ${DEFAULT-VALUE}).")
  Path file;

  DevicesFile devicesFile() {
    return new DevicesFile(file);
  }
}
