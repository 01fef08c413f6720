package dev.heartwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.support.CliRun;
import org.junit.jupiter.api.Test;

class HeartwatchCliTest {
  @Test
  void noCommandIsAUsageErrorListingTheCommands() {
    CliRun run = CliRun.of(new HeartwatchCli());
    assertEquals(ExitCodes.USAGE, run.exitCode());
    for (String command : new String[] {"publish", "devices", "package"}) {
      assertTrue(run.err().contains(command), run.toString());
    }
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    assertEquals(ExitCodes.USAGE, CliRun.of(new HeartwatchCli(), "publish", "--bogus").exitCode());
  }

  @Test
  void consoleTextKeepsOneLine() {
    assertEquals("a b c", ConsoleText.of("a\nb\u202E\tc"));
  }
}
