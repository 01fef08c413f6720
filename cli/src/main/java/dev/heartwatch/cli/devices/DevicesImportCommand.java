package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.core.schedule.DeviceRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch devices import FILE --server URL} (or {@code --db}): replace a server's whole
 * registry with a devices.json, in one transaction ({@code PUT /api/registry}). The file is read
 * and checked here first, as every devices command reads it; a refused file changes nothing.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Replace a server's registry (--server or --db) with a devices.json, e.g. infra/devices.json, in one step.")
public final class DevicesImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevicesTargetOption option;

  @Parameters(index = "0", paramLabel = "FILE", description = "The devices.json to import.")
  Path source;

  @Override
  public Integer call() {
    if (option.onFile()) {
      throw new CliFailure(ExitCodes.USAGE, "import goes to a server: give --server URL or --db FILE");
    }
    DevicesFile file = new DevicesFile(source);
    if (!Files.isRegularFile(source)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "no devices file at " + source);
    }
    DeviceRegistry registry = file.read();
    var err = spec.commandLine().getErr();
    try (RegistryTarget target = option.open(err)) {
      target.replaceAll(registry);
      err.println("imported " + registry.devices().size() + (registry.devices().size() == 1 ? " device" : " devices")
          + " from " + source + " into " + target.where() + " (its registry is now exactly this file's)");
      err.flush();
    }
    return ExitCodes.OK;
  }
}
