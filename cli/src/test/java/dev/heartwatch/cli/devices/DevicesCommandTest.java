package dev.heartwatch.cli.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.HeartwatchCli;
import dev.heartwatch.cli.support.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevicesCommandTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("infra/devices.json");
  }

  private CliRun devices(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "devices";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--file";
    all[args.length + 2] = file().toString();
    return CliRun.of(new HeartwatchCli(), all);
  }

  @Test
  void addCreatesTheFileWithTheSanitisedIdAndSaysARedeployAppliesIt() throws Exception {
    CliRun run = devices("add", "Home Office/Pi");

    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    assertEquals("[ \"home-office-pi\" ]\n", Files.readString(file(), StandardCharsets.UTF_8));
    assertTrue(run.err().contains("sanitised to 'home-office-pi'"), run.toString());
    assertTrue(run.err().contains("scripts/deploy.sh"), run.toString());
  }

  @Test
  void theSelfTestDeviceIsReservedEvenWhenSpelledDifferently() {
    CliRun run = devices("add", "Heartwatch Self Test");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("'heartwatch-self-test' is reserved for scripts/deploy.sh --verify"), run.toString());
    assertFalse(Files.exists(file()), "nothing written");
  }

  @Test
  void listPrintsOneIdALineInFileOrder() {
    devices("add", "router");
    devices("add", "nas");
    CliRun run = devices("list");
    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    assertEquals(List.of("router", "nas"), run.out().lines().toList());
  }

  @Test
  void aDuplicateIsRefusedEvenWhenSpelledDifferently() throws Exception {
    devices("add", "home-office-pi");
    String before = Files.readString(file());
    CliRun run = devices("add", "HOME OFFICE PI");
    assertEquals(ExitCodes.CONFLICT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("already expected"), run.toString());
    assertEquals(before, Files.readString(file()));
  }

  @Test
  void retireRemovesAnExpectedDevice() throws Exception {
    devices("add", "router");
    devices("add", "nas");
    CliRun run = devices("retire", "Router");
    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    assertEquals("[ \"nas\" ]\n", Files.readString(file()));
    assertTrue(run.err().contains("run scripts/deploy.sh"), run.toString());
    assertTrue(run.err().contains("(undo: heartwatch devices add router)"), run.toString());
    assertEquals(ExitCodes.OK, devices("add", "router").exitCode(), "the undo it names works");
    assertEquals("[ \"nas\", \"router\" ]\n", Files.readString(file()));
  }

  @Test
  void retiringAnUnknownDeviceIsRefused() throws Exception {
    devices("add", "router");
    CliRun run = devices("retire", "toaster");
    assertEquals(ExitCodes.CONFLICT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("not expected"), run.toString());
    assertEquals("[ \"router\" ]\n", Files.readString(file()));
  }

  @Test
  void anIdThatSanitisesToNothingIsRefused() {
    CliRun run = devices("add", "///");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("names no device"), run.toString());
    assertTrue(!Files.exists(file()));
  }

  @Test
  void anInvalidFileIsReportedAndLeftAsItWas() throws Exception {
    Files.createDirectories(file().getParent());
    Files.writeString(file(), "[\"Not Sanitised\"]");
    CliRun run = devices("add", "nas");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("not a sanitised device id"), run.toString());
    assertEquals("[\"Not Sanitised\"]", Files.readString(file()));

    Files.writeString(file(), "{\"device\":[]}");
    assertEquals(ExitCodes.BAD_INPUT, devices("list").exitCode());
  }

  @Test
  void writingLeavesNoTemporaryFileBehind() throws Exception {
    devices("add", "router");
    devices("retire", "router");
    try (var files = Files.list(file().getParent())) {
      assertEquals(List.of(file()), files.toList());
    }
    assertEquals("[ ]\n", Files.readString(file()));
  }

  @Test
  void addAndRetireKeepEveryOtherEntrysScheduleAndChannels() throws Exception {
    Files.createDirectories(file().getParent());
    Files.writeString(file(), "[{\"id\": \"backup\", \"cron\": \"30 2 * * *\", \"timeZone\": \"Europe/Berlin\","
        + " \"grace\": \"PT1H\", \"channels\": [\"email\"]}, {\"id\": \"laptop\", \"expected\": false, \"period\": \"PT30M\", \"grace\": \"PT2H\"}]");
    assertEquals(ExitCodes.OK, devices("add", "router").exitCode());
    assertEquals(ExitCodes.OK, devices("retire", "laptop").exitCode());
    var registry = dev.heartwatch.core.schedule.DeviceRegistry.parse(Files.readString(file()));
    assertEquals(List.of("backup", "router"), registry.devices().stream().map(d -> d.id()).toList());
    assertEquals(new dev.heartwatch.core.schedule.Schedule.Cron("30 2 * * *", java.time.ZoneId.of("Europe/Berlin"),
        java.time.Duration.ofHours(1)), registry.scheduleOf("backup"));
    assertEquals(List.of("email"), registry.find("backup").orElseThrow().channels());
  }

  @Test
  void aRegistryWithABadCronIsRefusedWithEveryProblemAndLeftAsItWas() throws Exception {
    Files.createDirectories(file().getParent());
    String text = "[{\"id\": \"backup\", \"cron\": \"61 * * * *\", \"timeZone\": \"Europe/Berlin\", \"grace\": \"PT1H\"},"
        + " {\"id\": \"nas\", \"period\": \"PT10M\", \"grace\": \"-PT5M\"}]";
    Files.writeString(file(), text);
    CliRun run = devices("add", "router");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("entry 1 (\"backup\")"), run.toString());
    assertTrue(run.err().contains("entry 2 (\"nas\")"), run.toString());
    assertEquals(text, Files.readString(file()));
  }

  @Test
  void addWithAScheduleWritesItAndPrintsTheNextDueTimes() throws Exception {
    CliRun run = devices("add", "backup", "--cron", "30 2 * * *", "--time-zone", "Asia/Kolkata", "--grace", "PT1H");
    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    var registry = dev.heartwatch.core.schedule.DeviceRegistry.parse(Files.readString(file()));
    assertEquals(new dev.heartwatch.core.schedule.Schedule.Cron("30 2 * * *", java.time.ZoneId.of("Asia/Kolkata"),
        java.time.Duration.ofHours(1)), registry.scheduleOf("backup"));
    // 02:30 IST is 21:00Z: every due time printed is one.
    String next = run.err().lines().filter(l -> l.startsWith("next due: ")).findFirst().orElseThrow(() -> new AssertionError(run.toString()));
    assertEquals(3, next.split(", ").length, next);
    for (String t : next.substring("next due: ".length()).split(", ")) {
      assertTrue(t.endsWith("T21:00:00Z"), next);
    }

    assertEquals(ExitCodes.OK, devices("add", "nas", "--period", "PT10M", "--grace", "PT5M", "--not-expected").exitCode());
    registry = dev.heartwatch.core.schedule.DeviceRegistry.parse(Files.readString(file()));
    assertFalse(registry.find("nas").orElseThrow().expected());
  }

  @Test
  void addRefusesABadScheduleSayingWhatWouldBeValidAndWritesNothing() {
    CliRun zone = devices("add", "backup", "--cron", "30 2 * * *", "--time-zone", "Mars/Olympus", "--grace", "PT1H");
    assertEquals(ExitCodes.BAD_INPUT, zone.exitCode(), zone.toString());
    assertTrue(zone.err().contains("Mars/Olympus"), zone.toString());
    CliRun cron = devices("add", "backup", "--cron", "61 * * * *", "--time-zone", "Etc/UTC", "--grace", "PT1H");
    assertEquals(ExitCodes.BAD_INPUT, cron.exitCode(), cron.toString());
    assertTrue(cron.err().contains("five-field"), cron.toString());
    CliRun grace = devices("add", "nas", "--period", "PT10M", "--grace", "-PT5M");
    assertEquals(ExitCodes.BAD_INPUT, grace.exitCode(), grace.toString());
    CliRun none = devices("add", "nas", "--period", "PT10M");
    assertEquals(ExitCodes.BAD_INPUT, none.exitCode(), none.toString());
    assertTrue(none.err().contains("\"grace\" is required"), none.toString());
    assertFalse(Files.exists(file()), "nothing written");
  }

  @Test
  void addRefusesAScheduleAzuresAlertCannotWatchSayingWhy() {
    CliRun run = devices("add", "payroll", "--cron", "0 9 * * 1-5", "--time-zone", "Europe/Berlin", "--grace", "PT1H");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("Azure's alert cannot watch this schedule"), run.toString());
    assertTrue(run.err().contains("beyond Azure's limit of PT47H55M"), run.toString());
    assertFalse(Files.exists(file()), "nothing written");
  }

  @Test
  void anUnknownChannelIsRefusedWithTheNearestNameByAddAndList() throws Exception {
    CliRun run = devices("add", "nas", "--channels", "slak");
    assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("channel \"slak\" is not a channel (did you mean \"slack\"?"), run.toString());
    assertFalse(Files.exists(file()), "nothing written");

    Files.createDirectories(file().getParent());
    Files.writeString(file(), "[{\"id\": \"nas\", \"channels\": [\"githbu\"]}]");
    CliRun list = devices("list");
    assertEquals(ExitCodes.BAD_INPUT, list.exitCode(), list.toString());
    assertTrue(list.err().contains("did you mean \"github\"?"), list.toString());
  }

  @Test
  void addWithChannelsRoutesTheDeviceAndAddAndRetireKeepTheRegistrysDefault() throws Exception {
    Files.createDirectories(file().getParent());
    Files.writeString(file(), "{\"defaults\": {\"channels\": [\"email\"]}, \"devices\": [\"router\"]}");
    assertEquals(ExitCodes.OK, devices("add", "nas", "--channels", "slack,github").exitCode());
    assertEquals(ExitCodes.OK, devices("retire", "router").exitCode());
    var registry = dev.heartwatch.core.schedule.DeviceRegistry.parse(Files.readString(file()));
    assertEquals(List.of("email"), registry.defaultChannels());
    assertEquals(List.of("slack", "github"), registry.find("nas").orElseThrow().channels());
  }
}
