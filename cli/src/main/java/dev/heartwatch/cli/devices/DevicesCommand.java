package dev.heartwatch.cli.devices;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code heartwatch devices list|add|set|remove|retire|unretire|mute|unmute|import|export|azure-parameters}:
 * the device registry, in the file ({@code infra/devices.json}, what a deploy sends to Azure),
 * in a server's database ({@code --db}) or on a running server ({@code --server}).
 */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = {
      "Edit the device registry: infra/devices.json (--file; redeploy with scripts/deploy.sh to apply), a"
          + " heartwatch-server's database (--db FILE) or a running server (--server URL, admin key from env"
          + " HEARTWATCH_ADMIN_KEY or --admin-key-file). An expected device alerts when it falls silent, even"
          + " after its last heartbeat has left the alert's lookback; a device with a schedule alerts at its own limit."
    },
    subcommands = {DevicesListCommand.class, DevicesAddCommand.class, DevicesSetCommand.class,
      DevicesRemoveCommand.class, DevicesRetireCommand.class, DevicesAdminCommands.Unretire.class,
      DevicesAdminCommands.Mute.class, DevicesAdminCommands.Unmute.class, DevicesImportCommand.class,
      DevicesExportCommand.class, DevicesAzureParametersCommand.class})
public final class DevicesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, add, set, remove,"
        + " retire, unretire, mute, unmute, import, export or azure-parameters");
  }
}
