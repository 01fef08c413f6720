package dev.heartwatch.cli.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.HeartwatchCli;
import dev.heartwatch.cli.support.CliRun;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heartwatch devices set} and {@code list} on the registry file. */
class DevicesSetCommandTest {
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

  private DeviceRegistry registry() throws Exception {
    return DeviceRegistry.parse(Files.readString(file(), StandardCharsets.UTF_8));
  }

  private void write(String text) throws Exception {
    Files.createDirectories(file().getParent());
    Files.writeString(file(), text);
  }

  @Test
  void setChangesTheScheduleInPlaceAndPrintsTheNextDueTimes() throws Exception {
    write("[\"router\", \"backup\", \"nas\"]");
    CliRun run = devices("set", "backup", "--cron", "30 2 * * *", "--time-zone", "Asia/Kolkata", "--grace", "PT1H");
    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    assertEquals(List.of("router", "backup", "nas"), registry().devices().stream().map(RegisteredDevice::id).toList(),
        "the file keeps its order");
    assertEquals(new Schedule.Cron("30 2 * * *", ZoneId.of("Asia/Kolkata"), Duration.ofHours(1)), registry().scheduleOf("backup"));
    String next = run.err().lines().filter(l -> l.startsWith("next due: ")).findFirst().orElseThrow(() -> new AssertionError(run.toString()));
    assertEquals(3, next.split(", ").length, next);
    for (String t : next.substring("next due: ".length()).split(", ")) {
      assertTrue(t.endsWith("T21:00:00Z"), next); // 02:30 IST
    }
    assertTrue(run.err().contains("scripts/deploy.sh"), run.toString());
  }

  @Test
  void whatIsNotNamedStaysAsItWas() throws Exception {
    write("[{\"id\": \"backup\", \"cron\": \"30 2 * * *\", \"timeZone\": \"Europe/Berlin\", \"grace\": \"PT1H\","
        + " \"channels\": [\"email\"]}, {\"id\": \"nas\", \"period\": \"PT10M\", \"grace\": \"PT5M\"}]");
    assertEquals(ExitCodes.OK, devices("set", "backup", "--grace", "PT2H").exitCode());
    RegisteredDevice backup = registry().find("backup").orElseThrow();
    assertEquals(new Schedule.Cron("30 2 * * *", ZoneId.of("Europe/Berlin"), Duration.ofHours(2)), backup.schedule());
    assertEquals(List.of("email"), backup.channels());

    assertEquals(ExitCodes.OK, devices("set", "backup", "--cron", "0 3 * * *").exitCode(), "the zone stays");
    assertEquals(new Schedule.Cron("0 3 * * *", ZoneId.of("Europe/Berlin"), Duration.ofHours(2)), registry().scheduleOf("backup"));

    assertEquals(ExitCodes.OK, devices("set", "nas", "--not-expected", "--channels", "slack,email").exitCode());
    RegisteredDevice nas = registry().find("nas").orElseThrow();
    assertFalse(nas.expected());
    assertEquals(List.of("slack", "email"), nas.channels());
    assertEquals(new Schedule.Period(Duration.ofMinutes(10), Duration.ofMinutes(5)), nas.schedule());

    assertEquals(ExitCodes.OK, devices("set", "nas", "--expected", "--no-channels", "--default-schedule").exitCode());
    assertEquals(RegisteredDevice.expected("nas"), registry().find("nas").orElseThrow());
    assertTrue(Files.readString(file()).contains("\"nas\""), "a plain entry is its id again");
  }

  @Test
  void anUnknownIdIsRefusedNamingTheNearestAndNothingIsWritten() throws Exception {
    write("[\"router\", \"home-office-pi\"]");
    String before = Files.readString(file());
    CliRun run = devices("set", "home-ofice-pi", "--period", "PT10M", "--grace", "PT5M");
    assertEquals(ExitCodes.CONFLICT, run.exitCode(), run.toString());
    assertTrue(run.err().contains("did you mean 'home-office-pi'?"), run.toString());
    CliRun far = devices("set", "toaster", "--not-expected");
    assertEquals(ExitCodes.CONFLICT, far.exitCode(), far.toString());
    assertFalse(far.err().contains("did you mean"), far.toString());
    assertTrue(far.err().contains("heartwatch devices list"), far.toString());
    assertEquals(before, Files.readString(file()));
  }

  @Test
  void badValuesAreRefusedSayingWhatWouldBeValidAndNothingIsWritten() throws Exception {
    write("[{\"id\": \"nas\", \"period\": \"PT10M\", \"grace\": \"PT5M\"}, \"router\"]");
    String before = Files.readString(file());
    CliRun zone = devices("set", "nas", "--cron", "30 2 * * *", "--time-zone", "Europe/Berln", "--grace", "PT1H");
    assertEquals(ExitCodes.BAD_INPUT, zone.exitCode(), zone.toString());
    assertTrue(zone.err().contains("use e.g. Europe/Berlin"), zone.toString());
    assertTrue(zone.err().contains("heartwatch: device 'nas': timeZone \"Europe/Berln\""), zone.toString());
    CliRun cron = devices("set", "nas", "--cron", "30 25 * * *", "--time-zone", "Etc/UTC");
    assertEquals(ExitCodes.BAD_INPUT, cron.exitCode(), cron.toString());
    assertTrue(cron.err().contains("five-field"), cron.toString());
    CliRun grace = devices("set", "nas", "--grace", "-PT5M");
    assertEquals(ExitCodes.BAD_INPUT, grace.exitCode(), grace.toString());
    assertTrue(grace.err().contains("grace must be a positive ISO-8601 duration such as PT5M"), grace.toString());
    CliRun noGrace = devices("set", "router", "--period", "PT10M");
    assertEquals(ExitCodes.BAD_INPUT, noGrace.exitCode(), noGrace.toString());
    assertTrue(noGrace.err().contains("\"grace\" is required"), noGrace.toString());
    CliRun channel = devices("set", "nas", "--channels", "E-Mail");
    assertEquals(ExitCodes.BAD_INPUT, channel.exitCode(), channel.toString());
    CliRun azure = devices("set", "nas", "--cron", "0 9 * * 1-5", "--time-zone", "Europe/Berlin");
    assertEquals(ExitCodes.BAD_INPUT, azure.exitCode(), azure.toString());
    assertTrue(azure.err().contains("Azure's alert cannot watch this schedule"), azure.toString());
    assertEquals(ExitCodes.USAGE, devices("set", "nas").exitCode(), "nothing to change");
    assertEquals(ExitCodes.USAGE, devices("set", "nas", "--channels", "email", "--no-channels").exitCode());
    assertEquals(before, Files.readString(file()));
  }

  @Test
  void listShowsEachScheduleAndItsNextDueTimes() throws Exception {
    write("[\"router\", {\"id\": \"backup\", \"cron\": \"30 2 * * *\", \"timeZone\": \"Asia/Kolkata\", \"grace\": \"PT1H\"},"
        + " {\"id\": \"laptop\", \"expected\": false, \"channels\": [\"email\"]}]");
    CliRun run = devices("list");
    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    List<String> lines = run.out().lines().toList();
    assertEquals(3, lines.size(), run.toString());
    assertEquals("router", lines.get(0));
    String[] backup = lines.get(1).split("\t");
    assertEquals("backup", backup[0]);
    assertEquals("cron \"30 2 * * *\" Asia/Kolkata, grace PT1H; expected; every channel", backup[1]);
    assertTrue(backup[2].startsWith("next due: ") && backup[2].split(", ").length == 3, lines.get(1));
    for (String t : backup[2].substring("next due: ".length()).split(", ")) {
      assertTrue(t.endsWith("T21:00:00Z"), lines.get(1));
    }
    assertEquals("laptop\tdefault schedule; not expected; channels email", lines.get(2));
    assertEquals(List.of("router", "backup", "laptop"), lines.stream().map(l -> l.split("\t")[0]).toList(), "cut -f1 gives the ids");
  }

  @Test
  void theServersCommandsNeedAServer() throws Exception {
    write("[\"router\"]");
    for (String[] args : new String[][] {{"mute", "router", "PT1H"}, {"unmute", "router"}, {"unretire", "router"},
        {"import", file().toString()}}) {
      CliRun run = devices(args);
      assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
      assertTrue(run.err().contains("--server"), run.toString());
    }
    CliRun both = CliRun.of(new HeartwatchCli(), "devices", "list", "--file", file().toString(), "--db", dir.resolve("h.db").toString());
    assertEquals(ExitCodes.USAGE, both.exitCode(), both.toString());
    CliRun noDb = CliRun.of(new HeartwatchCli(), "devices", "list", "--db", dir.resolve("missing.db").toString());
    assertEquals(ExitCodes.BAD_INPUT, noDb.exitCode(), noDb.toString());
    assertFalse(Files.exists(dir.resolve("missing.db")), "a typo creates no database");
  }

  @Test
  void exportPrintsTheFileAsTheRegistryWritesIt() throws Exception {
    write("[\"router\",{\"id\":\"nas\",\"period\":\"PT10M\",\"grace\":\"PT5M\"}]");
    CliRun run = devices("export");
    assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    assertEquals(registry().toJson(), run.out());
    Path out = dir.resolve("copy.json");
    assertEquals(ExitCodes.OK, devices("export", "--out", out.toString()).exitCode());
    assertEquals(registry(), DeviceRegistry.parse(Files.readString(out)));
  }
}
