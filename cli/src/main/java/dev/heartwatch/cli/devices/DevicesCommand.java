package dev.heartwatch.cli.devices;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code heartwatch devices list|add|retire}: the devices Azure expects to hear from. */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = {
      "Edit the expected-devices file. A device listed there alerts when it falls silent, even"
          + " after its last heartbeat has left the alert's lookback. Redeploy (scripts/deploy.sh) to apply."
    },
    subcommands = {DevicesListCommand.class, DevicesAddCommand.class, DevicesRetireCommand.class})
public final class DevicesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, add or retire");
  }
}
