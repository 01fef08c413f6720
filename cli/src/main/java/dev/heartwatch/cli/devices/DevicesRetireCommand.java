package dev.heartwatch.cli.devices;

import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code heartwatch devices retire ID}: stop expecting a device. */
@Command(name = "retire", mixinStandardHelpOptions = true, description = "Remove a device from the registry (it no longer alerts once silent).")
public final class DevicesRetireCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevicesFileOption option;

  @Parameters(index = "0", paramLabel = "ID")
  String rawId;

  @Override
  public Integer call() {
    String id = DeviceId.normalize(rawId);
    DevicesFile file = option.devicesFile();
    if (!file.exists()) {
      throw new CliFailure(ExitCodes.CONFLICT, "no devices file at " + file.path() + "; nothing to retire");
    }
    List<RegisteredDevice> devices = new ArrayList<>(file.read().devices());
    if (id.isEmpty() || !devices.removeIf(d -> d.id().equals(id))) {
      throw new CliFailure(ExitCodes.CONFLICT, "device '" + rawId + "' is not expected in " + file.path() + " (see 'heartwatch devices list')");
    }
    file.write(new DeviceRegistry(devices));
    var err = spec.commandLine().getErr();
    err.println("retired '" + id + "' from " + file.path() + "; run scripts/deploy.sh to apply it to the alert"
        + " (undo: heartwatch devices add " + id + ")");
    err.flush();
    return ExitCodes.OK;
  }
}
