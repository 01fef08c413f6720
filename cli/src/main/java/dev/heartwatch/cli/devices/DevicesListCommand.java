package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code heartwatch devices list}: one id a line on stdout, in file order. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Print the registry's device ids, one a line.")
public final class DevicesListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DevicesFileOption option;

  @Override
  public Integer call() {
    DevicesFile file = option.devicesFile();
    if (!file.exists()) {
      spec.commandLine().getErr().println("no devices file at " + file.path() + " (no device is expected yet)");
      return ExitCodes.OK;
    }
    var out = spec.commandLine().getOut();
    file.read().devices().forEach(d -> out.println(d.id()));
    out.flush();
    return ExitCodes.OK;
  }
}
