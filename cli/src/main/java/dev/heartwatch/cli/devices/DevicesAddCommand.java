package dev.heartwatch.cli.devices;

import dev.heartwatch.core.contract.DeviceId;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.verify.SelfTestDevice;
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

/** {@code heartwatch devices add ID}: expect a device (its id sanitised as Ping will). */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Expect a device; the id is sanitised as Ping sanitises it.")
public final class DevicesAddCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevicesFileOption option;

  @Parameters(index = "0", paramLabel = "ID")
  String rawId;

  @Override
  public Integer call() {
    String id = DeviceId.normalize(rawId);
    if (id.isEmpty()) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "'" + rawId + "' names no device once sanitised (use letters, digits, '.', '_' or '-')");
    }
    if (SelfTestDevice.isReserved(id)) {
      throw new CliFailure(ExitCodes.BAD_INPUT, "'" + id + "' is reserved for scripts/deploy.sh --verify's self-test beat"
          + " (it always says stopping and must never be expected): choose another name");
    }
    DevicesFile file = option.devicesFile();
    List<RegisteredDevice> devices = file.exists() ? new ArrayList<>(file.read().devices()) : new ArrayList<>();
    if (devices.stream().anyMatch(d -> d.id().equals(id))) {
      throw new CliFailure(ExitCodes.CONFLICT, "device '" + id + "' is already expected in " + file.path());
    }
    devices.add(RegisteredDevice.expected(id));
    file.write(new DeviceRegistry(devices));
    var err = spec.commandLine().getErr();
    if (!id.equals(rawId)) {
      err.println("'" + rawId + "' is sanitised to '" + id + "' (the id Ping records)");
    }
    err.println("added '" + id + "' to " + file.path() + "; run scripts/deploy.sh to apply it to the alert");
    err.flush();
    return ExitCodes.OK;
  }
}
