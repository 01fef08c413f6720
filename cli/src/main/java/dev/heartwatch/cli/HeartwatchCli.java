package dev.heartwatch.cli;

import dev.heartwatch.cli.devices.DevicesCommand;
import dev.heartwatch.cli.history.HistoryCommand;
import dev.heartwatch.cli.packaging.PackageCommand;
import dev.heartwatch.cli.publish.PublishCommand;
import dev.heartwatch.cli.verify.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code heartwatch} operator tool. To add a command, write a class implementing
 * {@code Callable<Integer>} and add it to {@code subcommands} below.
 */
@Command(
    name = "heartwatch",
    mixinStandardHelpOptions = true,
    versionProvider = CliVersion.class,
    description = "Heartwatch operator tools.",
    subcommands = {
      PackageCommand.class,
      PublishCommand.class,
      DevicesCommand.class,
      HistoryCommand.class,
      VerifyCommand.class,
      CommandLine.HelpCommand.class
    })
public final class HeartwatchCli implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    // No subcommand given: show what there is, as a usage error.
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  public static void main(String[] args) {
    System.exit(commandLine(new HeartwatchCli()).execute(args));
  }

  /**
   * A command line for {@code command} (the top level or any single command) that turns a
   * {@link CliFailure} into its message and exit code, and anything else into one line: an
   * operator never sees a stack trace.
   */
  public static CommandLine commandLine(Object command) {
    CommandLine line = new CommandLine(command);
    line.setExecutionExceptionHandler(
        (ex, cl, parseResult) -> {
          if (ex instanceof CliFailure failure) {
            cl.getErr().println("heartwatch: " + failure.getMessage());
            cl.getErr().flush();
            return failure.exitCode();
          }
          cl.getErr().println("heartwatch: unexpected error: " + ConsoleText.of(String.valueOf(ex)));
          cl.getErr().flush();
          return ExitCodes.FAILURE;
        });
    return line;
  }
}
