package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ConsoleText;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import dev.heartwatch.server.store.AdminState;
import dev.heartwatch.server.store.DeviceAdministration;
import dev.heartwatch.server.store.HeartwatchStore;
import dev.heartwatch.server.store.RegistryAdministration;
import dev.heartwatch.server.store.RegistryAdministration.Outcome;
import dev.heartwatch.server.store.RegistryRepository.Precondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A heartwatch-server's database ({@code --db FILE}), edited through the server's own
 * {@link RegistryAdministration} and {@link DeviceAdministration}, the code behind its admin API:
 * safe beside the running server (SQLite serialises the writers; the server reads the registry
 * from the store).
 */
final class StoreTarget implements RegistryTarget {
  private final Path db;
  private final Clock clock;
  private HeartwatchStore store;

  StoreTarget(Path db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  private HeartwatchStore store() {
    if (store == null) {
      if (!Files.isRegularFile(db)) {
        // A typo must not create an empty database beside the real one.
        throw new CliFailure(ExitCodes.BAD_INPUT, "no database at " + db + " (the server's HEARTWATCH_DB; it creates it at its first start)");
      }
      try {
        store = HeartwatchStore.openForAdmin(db);
      } catch (RuntimeException e) {
        throw new CliFailure(ExitCodes.FAILURE, "cannot open the database " + db + ": " + ConsoleText.of(String.valueOf(e.getMessage())));
      }
    }
    return store;
  }

  private RegistryAdministration registry() {
    return new RegistryAdministration(store());
  }

  @Override
  public String where() {
    return "the database " + db;
  }

  @Override
  public boolean feedsAzure() {
    return false;
  }

  @Override
  public boolean exists() {
    return true;
  }

  @Override
  public DeviceRegistry read() {
    return registry().registry();
  }

  @Override
  public List<Instant> add(RegisteredDevice device, Instant now) {
    return registry().put(device, Precondition.ABSENT, now) == Outcome.WRITTEN ? device.nextDue(now, 3) : null;
  }

  @Override
  public List<Instant> set(RegisteredDevice device, Instant now) {
    return registry().put(device, Precondition.PRESENT, now) == Outcome.WRITTEN ? device.nextDue(now, 3) : null;
  }

  @Override
  public boolean remove(String id) {
    return registry().remove(id);
  }

  @Override
  public void replaceAll(DeviceRegistry r) {
    registry().replaceAll(r, clock.instant());
  }

  @Override
  public String administer(Action action, String id, Duration muteFor) {
    DeviceAdministration administration = new DeviceAdministration(store(), Set.of());
    Instant now = clock.instant();
    try {
      AdminState state = switch (action) {
        case MUTE -> administration.mute(id, muteFor, now);
        case UNMUTE -> administration.unmute(id, now);
        case RETIRE -> administration.retire(id, now);
        case UNRETIRE -> administration.unretire(id, now);
      };
      return DevicesText.adminState(action, state.device(), state.mutedUntil());
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.BAD_INPUT, e.getMessage());
    }
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }
}
