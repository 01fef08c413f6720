package dev.heartwatch.cli.devices;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code heartwatch devices list|add|retire|azure-parameters}: the device registry. */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = {
      "Edit the device registry (infra/devices.json). An expected device alerts when it falls silent, even"
          + " after its last heartbeat has left the alert's lookback; a device with a schedule alerts at its own limit."
          + " Redeploy (scripts/deploy.sh) to apply."
    },
    subcommands = {DevicesListCommand.class, DevicesAddCommand.class, DevicesRetireCommand.class,
      DevicesAzureParametersCommand.class})
public final class DevicesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, add, retire or azure-parameters");
  }
}
