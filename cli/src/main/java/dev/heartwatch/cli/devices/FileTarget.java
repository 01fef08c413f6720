package dev.heartwatch.cli.devices;

import dev.heartwatch.cli.CliFailure;
import dev.heartwatch.cli.ExitCodes;
import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry file ({@code --file}, default {@code infra/devices.json}), written whole and
 * atomically; every edit keeps the registry's default channels.
 */
final class FileTarget implements RegistryTarget {
  private final DevicesFile file;

  FileTarget(DevicesFile file) {
    this.file = file;
  }

  @Override
  public String where() {
    return file.path().toString();
  }

  @Override
  public boolean feedsAzure() {
    return true;
  }

  @Override
  public boolean exists() {
    return file.exists();
  }

  @Override
  public DeviceRegistry read() {
    return file.exists() ? file.read() : new DeviceRegistry(List.of());
  }

  @Override
  public List<Instant> add(RegisteredDevice device, Instant now) {
    DeviceRegistry registry = read();
    List<RegisteredDevice> devices = new ArrayList<>(registry.devices());
    if (devices.stream().anyMatch(d -> d.id().equals(device.id()))) {
      return null;
    }
    devices.add(device);
    file.write(new DeviceRegistry(devices, registry.defaultChannels()));
    return device.nextDue(now, 3);
  }

  @Override
  public List<Instant> set(RegisteredDevice device, Instant now) {
    DeviceRegistry registry = read();
    List<RegisteredDevice> devices = new ArrayList<>(registry.devices());
    for (int k = 0; k < devices.size(); k++) {
      if (devices.get(k).id().equals(device.id())) {
        devices.set(k, device); // in place: the file keeps its order
        file.write(new DeviceRegistry(devices, registry.defaultChannels()));
        return device.nextDue(now, 3);
      }
    }
    return null;
  }

  @Override
  public boolean remove(String id) {
    DeviceRegistry registry = read();
    List<RegisteredDevice> devices = new ArrayList<>(registry.devices());
    if (!devices.removeIf(d -> d.id().equals(id))) {
      return false;
    }
    file.write(new DeviceRegistry(devices, registry.defaultChannels()));
    return true;
  }

  @Override
  public void replaceAll(DeviceRegistry registry) {
    file.write(registry);
  }

  @Override
  public String administer(Action action, String id, Duration muteFor) {
    throw new CliFailure(ExitCodes.BAD_INPUT, action.name().toLowerCase(java.util.Locale.ROOT)
        + " is the server's: give --db FILE (its database) or --server URL (the registry file has no mutes or"
        + " retirements; Azure's alert stops expecting a device when it leaves the file: heartwatch devices retire ID)");
  }
}
