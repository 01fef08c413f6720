package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.CliFailure;
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
 * {@code heartwatch devices retire ID}: stop alerting for a device. In the file (Azure) that is
 * removing its entry, as Azure's alert has no retired state; on a server ({@code --db},
 * {@code --server}) it is the store's retirement: never evaluated, never alerting, its entry and
 * history kept, undone by {@code unretire}.
 */
@Command(name = "retire", mixinStandardHelpOptions = true,
    description = "Stop alerting for a device: removed from the file; on a server (--db, --server) retired, undone by unretire.")
public final class DevicesRetireCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevicesTargetOption option;

  @Parameters(index = "0", paramLabel = "ID")
  String rawId;

  @Override
  public Integer call() {
    String id = DeviceId.normalize(rawId);
    var err = spec.commandLine().getErr();
    try (RegistryTarget target = option.open(err)) {
      if (!option.onFile()) {
        if (id.isEmpty()) {
          throw new CliFailure(ExitCodes.BAD_INPUT, "'" + rawId + "' names no device once sanitised");
        }
        spec.commandLine().getOut().println(target.administer(RegistryTarget.Action.RETIRE, id, null));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
      }
      if (!target.exists()) {
        throw new CliFailure(ExitCodes.CONFLICT, "no devices file at " + target.where() + "; nothing to retire");
      }
      if (id.isEmpty() || !target.remove(id)) {
        throw DevicesText.unknown(rawId, id, target.read().devices().stream().map(RegisteredDevice::id).toList(),
            "is not expected in", target.where());
      }
      err.println("retired '" + id + "' from " + target.where() + "; run scripts/deploy.sh to apply it to the alert"
          + " (undo: heartwatch devices add " + id + ")");
      err.flush();
    }
    return ExitCodes.OK;
  }
}
