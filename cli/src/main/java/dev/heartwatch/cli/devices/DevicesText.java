package dev.heartwatch.cli.devices;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.common.EditDistance;
import dev.heartwatch.core.rule.SilenceRule;
import dev.heartwatch.core.schedule.AzureFit;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.DeviceRegistryException;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.core.schedule.Schedule;
import dev.heartwatch.core.schedule.ScheduleText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** What the devices commands share: reading an entry as the file would, and how they print one. */
final class DevicesText {
  static final int NEXT_DUE = 3;
  private static final Duration EVALUATION = Duration.ofMinutes(5);

  private DevicesText() {}

  /** The entry {@code o} describes, read by the file's own reader so it says what the file would. */
  static RegisteredDevice entry(ObjectNode o) {
    try {
      return DeviceRegistry.parse("[" + o + "]").devices().get(0);
    } catch (DeviceRegistryException e) {
      String id = o.path("id").asText();
      throw new CliFailure(ExitCodes.BAD_INPUT, e.problems().stream()
          .map(p -> p.replaceFirst("^entry 1( \\([^)]*\\))?: ", "device '" + id + "': "))
          .collect(Collectors.joining("; ")));
    }
  }

  /**
   * Refuses {@code device} where {@code target} feeds Azure's alert and that alert could not watch
   * its schedule ({@link RegisteredDevice#fitsAzure}); the server takes any schedule.
   */
  static void refuseWhatAzureCannotWatch(RegistryTarget target, RegisteredDevice device, Instant now) {
    if (target.feedsAzure()) {
      AzureFit fit = device.fitsAzure(SilenceRule.MAX_LOOKBACK, EVALUATION, now);
      if (!fit.fits()) {
        throw new CliFailure(ExitCodes.BAD_INPUT, "Azure's alert cannot watch this schedule: " + fit.reason());
      }
    }
  }

  /** The entry as the file holds it: its id string when plain, else the object (the API's body). */
  static String entryJson(RegisteredDevice device) {
    String array = new DeviceRegistry(List.of(device)).toJson().strip();
    return array.substring(1, array.length() - 1).strip();
  }

  /**
   * One line of {@code devices list}: a plain entry is its id alone, as in the file; any other
   * is the id, a tab, what it is ({@link #summary}) and, for its own schedule, a tab and its
   * next due times.
   */
  static String listLine(RegisteredDevice d, Instant now) {
    if (d.isPlain()) {
      return d.id();
    }
    String next = nextDueLine(d, d.nextDue(now, NEXT_DUE));
    return d.id() + "\t" + summary(d) + (next.isEmpty() ? "" : "\t" + next);
  }

  /** {@code every PT10M, grace PT5M; not expected; channels email,slack}. */
  static String summary(RegisteredDevice d) {
    StringBuilder s = new StringBuilder(d.schedule().equals(Schedule.DEFAULT) ? "default schedule" : describe(d.schedule()));
    s.append(d.expected() ? "; expected" : "; not expected");
    s.append(d.channels().isEmpty() ? "; every channel" : "; channels " + String.join(",", d.channels()));
    return s.toString();
  }

  static String describe(Schedule schedule) {
    if (schedule instanceof Schedule.Period p) {
      return "every " + ScheduleText.format(p.period()) + ", grace " + ScheduleText.format(p.grace());
    }
    Schedule.Cron c = (Schedule.Cron) schedule;
    return "cron \"" + c.expression() + "\" " + c.zone().getId() + ", grace " + ScheduleText.format(c.grace());
  }

  /** {@code next due: a, b, c} for a device with its own schedule; empty for the default one. */
  static String nextDueLine(RegisteredDevice d, List<Instant> due) {
    if (d.schedule().equals(Schedule.DEFAULT) || due.isEmpty()) {
      return "";
    }
    return "next due" + (d.schedule() instanceof Schedule.Period ? " (if it beats now)" : "") + ": " + due(due);
  }

  private static String due(List<Instant> due) {
    return due.stream().map(Instant::toString).collect(Collectors.joining(", "));
  }

  /** "device 'x' is not in WHERE" and, when one is near, "did you mean 'y'?". */
  static CliFailure unknown(String rawId, String id, List<String> known, String where) {
    return unknown(rawId, id, known, "is not in", where);
  }

  /** "device 'x' VERB WHERE" ({@code is not expected in}) and, when one is near, "did you mean 'y'?". */
  static CliFailure unknown(String rawId, String id, List<String> known, String verb, String where) {
    String hint = id.isEmpty() ? "" : EditDistance.closest(id, known, Math.max(2, id.length() / 3))
        .map(near -> "; did you mean '" + near + "'?").orElse("");
    return new CliFailure(ExitCodes.CONFLICT, "device '" + rawId + "' " + verb + " " + where + hint
        + (hint.isEmpty() ? " (see 'heartwatch devices list')" : ""));
  }

  /** What a mute, unmute, retire or unretire did. */
  static String adminState(RegistryTarget.Action action, String id, Instant mutedUntil) {
    return switch (action) {
      case MUTE -> id + " muted until " + mutedUntil;
      case UNMUTE -> id + " unmuted: it notifies again";
      case RETIRE -> id + " retired: it will never alert again (undo: heartwatch devices unretire " + id + ")";
      case UNRETIRE -> id + " restored: it is evaluated again";
    };
  }
}
