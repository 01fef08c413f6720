package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.cli.history.ServerHistorySource;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Which registry a devices command edits, shared by every such subcommand so the options may
 * follow it: the file ({@code --file}, default {@code infra/devices.json}), a server's database
 * ({@code --db}) or a running server ({@code --server}, with the admin key from env
 * {@code HEARTWATCH_ADMIN_KEY} or {@code --admin-key-file}).
 */
public final class DevicesTargetOption {
  static final Path DEFAULT_FILE = Path.of("infra/devices.json");

  @Option(names = "--file", paramLabel = "FILE", description = "The device registry file (default: infra/devices.json).")
  Path file;

  @Option(names = "--db", paramLabel = "FILE", description = "A heartwatch-server's database (its HEARTWATCH_DB), safe while it runs.")
  Path db;

  @Option(names = "--server", paramLabel = "URL", description = "A running heartwatch-server, through its admin API, e.g. https://monitor.example:8443.")
  String server;

  @Option(names = "--admin-key-file", paramLabel = "FILE",
      description = "With --server: a file whose first line is the admin key (default: env HEARTWATCH_ADMIN_KEY).")
  Path adminKeyFile;

  /** The environment the admin key is read from; tests replace it. */
  Function<String, String> env = System::getenv;

  boolean onFile() {
    return db == null && server == null;
  }

  RegistryTarget open(PrintWriter err) {
    int given = (file != null ? 1 : 0) + (db != null ? 1 : 0) + (server != null ? 1 : 0);
    if (given > 1) {
      throw new CliFailure(ExitCodes.USAGE, "give one of --file, --db and --server");
    }
    if (adminKeyFile != null && server == null) {
      throw new CliFailure(ExitCodes.USAGE, "--admin-key-file goes with --server");
    }
    if (server != null) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      return new ServerTarget(http, ServerHistorySource.checkedBase(server), AdminKey.resolve(adminKeyFile, env), err);
    }
    if (db != null) {
      return new StoreTarget(db, Clock.systemUTC());
    }
    return new FileTarget(new DevicesFile(file != null ? file : DEFAULT_FILE));
  }
}
