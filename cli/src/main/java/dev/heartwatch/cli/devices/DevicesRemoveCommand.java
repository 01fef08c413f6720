package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.core.schedule.RegisteredDevice;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch devices remove ID}: delete a device's entry from the registry, wherever it
 * is. In the file that is {@code retire}; on a server the device stays known (and evaluated, on
 * the default schedule, with every channel) until it is retired.
 */
@Command(name = "remove", mixinStandardHelpOptions = true,
    description = "Delete a device's registry entry (on a server it is then on the default schedule; retire stops its alerts).")
public final class DevicesRemoveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevicesTargetOption option;

  @Parameters(index = "0", paramLabel = "ID")
  String rawId;

  @Override
  public Integer call() {
    String id = DeviceId.normalize(rawId);
    var err = spec.commandLine().getErr();
    try (RegistryTarget target = option.open(err)) {
      if (id.isEmpty() || !target.exists() || !target.remove(id)) {
        throw DevicesText.unknown(rawId, id, target.exists()
            ? target.read().devices().stream().map(RegisteredDevice::id).toList() : java.util.List.of(), target.where());
      }
      err.println("removed '" + id + "' from " + target.where()
          + (target.feedsAzure() ? "; run scripts/deploy.sh to apply it to the alert" : "")
          + " (undo: heartwatch devices add " + id + " ...)");
      err.flush();
    }
    return ExitCodes.OK;
  }
}
