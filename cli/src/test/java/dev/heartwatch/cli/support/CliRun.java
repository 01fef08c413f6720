package dev.heartwatch.cli.support;

import dev.heartwatch.cli.HeartwatchCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs a command the way {@code main} does, with stdout and stderr captured. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun of(Object command, String... args) {
    CommandLine line = HeartwatchCli.commandLine(command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    int code = line.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
