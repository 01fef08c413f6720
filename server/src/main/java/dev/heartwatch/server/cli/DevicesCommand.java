package dev.heartwatch.server.cli;

import dev.heartwatch.server.config.ConfigException;
import dev.heartwatch.server.config.ServerConfig;
import dev.heartwatch.server.store.DeviceAdministration;
import dev.heartwatch.server.store.DeviceRecord;
import dev.heartwatch.server.store.HeartwatchStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar heartwatch-server.jar devices list | mute ID DURATION | unmute ID | retire ID |
 * unretire ID [--db FILE]}:
 * the same operations as the HTTP API, on the same database file (safe while the server runs:
 * SQLite serialises the writers), for a machine that has only the server jar. The one devices
 * command is the cli's {@code heartwatch devices} (its {@code --db FILE} runs this same
 * {@link DeviceAdministration}, and the registry's {@code RegistryAdministration}); this one
 * stays so the server jar works standalone, and the server cannot depend on the cli.
 */
public final class DevicesCommand {
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    public DevicesCommand(PrintStream out, PrintStream err, Clock clock) {
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public int run(List<String> argv, Map<String, String> env) {
        List<String> args = new ArrayList<>(argv);
        Path db = null;
        int at = args.indexOf("--db");
        if (at >= 0) {
            if (at + 1 >= args.size()) {
                return usage("--db needs a file");
            }
            db = Path.of(args.get(at + 1));
            args.remove(at + 1);
            args.remove(at);
        }
        if (args.isEmpty()) {
            return usage(null);
        }
        if (db == null) {
            try {
                db = ServerConfig.load(env).database();
            } catch (ConfigException e) {
                err.println("configuration error: " + e.getMessage());
                return 2;
            }
        }
        String verb = args.get(0);
        try (HeartwatchStore store = HeartwatchStore.openForAdmin(db)) {
            Instant now = clock.instant();
            switch (verb) {
                case "list":
                    for (DeviceRecord r : store.devices().all(Set.of()).values()) {
                        out.println(r.device() + "\t" + r.status() + "\tlastSeen=" + r.lastSeen()
                                + (r.mutedAt(now) ? "\tmutedUntil=" + r.mutedUntil() : "")
                                + (r.retired() ? "\tretired=" + r.retiredAt() : ""));
                    }
                    return 0;
                case "mute": {
                    if (args.size() != 3) {
                        return usage("mute needs a device id and an ISO-8601 duration, e.g. devices mute home-pi PT1H");
                    }
                    Duration d;
                    try {
                        d = Duration.parse(args.get(2));
                    } catch (DateTimeParseException e) {
                        return usage("not an ISO-8601 duration: " + args.get(2));
                    }
                    try {
                        out.println(args.get(1) + " muted until " + administration(store).mute(args.get(1), d, now).mutedUntil());
                    } catch (IllegalArgumentException e) {
                        return usage(e.getMessage());
                    }
                    return 0;
                }
                case "unmute", "retire", "unretire": {
                    if (args.size() != 2) {
                        return usage(verb + " needs a device id");
                    }
                    String device = args.get(1);
                    DeviceAdministration administration = administration(store);
                    try {
                        switch (verb) {
                            case "unmute" -> administration.unmute(device, now);
                            case "retire" -> administration.retire(device, now);
                            default -> administration.unretire(device, now);
                        }
                    } catch (IllegalArgumentException e) {
                        return usage(e.getMessage());
                    }
                    out.println(device + switch (verb) {
                        case "unmute" -> " unmuted: it notifies again";
                        case "retire" -> " retired: it will never alert again (undo: devices unretire " + device + ")";
                        default -> " restored: it is evaluated again";
                    });
                    return 0;
                }
                default:
                    return usage("unknown command: " + verb);
            }
        } catch (RuntimeException e) {
            err.println("cannot update the database " + db + ": " + e.getMessage());
            return 1;
        }
    }

    private int usage(String problem) {
        if (problem != null) {
            err.println(problem);
        }
        err.println("usage: devices [--db FILE] list | mute DEVICE DURATION | unmute DEVICE | retire DEVICE | unretire DEVICE");
        err.println("(schedules and the registry: heartwatch devices ... --db FILE | --server URL, docs/deploy.md)");
        return 2;
    }

    private static DeviceAdministration administration(HeartwatchStore store) {
        return new DeviceAdministration(store, Set.of());
    }
}
