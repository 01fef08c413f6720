package dev.heartwatch.cli.devices;

import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where {@code heartwatch devices} reads and edits the registry: the file ({@code --file},
 * {@link FileTarget}), a server's database ({@code --db}, {@link StoreTarget}) or a running
 * server through its admin API ({@code --server}, {@link ServerTarget}). Every command validates
 * an entry the same way before it reaches a target; a target refuses what it cannot do with a
 * {@link dev.heartwatch.cli.CliFailure}.
 */
interface RegistryTarget extends AutoCloseable {

  /** For messages: {@code infra/devices.json}, {@code the database /var/lib/...}, {@code heartwatch-server host:port}. */
  String where();

  /** Whether a deploy to Azure reads it (the file): then an entry must fit Azure's alert. */
  boolean feedsAzure();

  /** Whether there is a registry yet (a file not written yet is none). */
  boolean exists();

  /** The registry; empty when there is none yet. */
  DeviceRegistry read();

  /**
   * Adds {@code device}; {@code false} (nothing written) when it already has an entry.
   *
   * @return the next due times, from {@code now} or the server's clock, or {@code null} when it already has one
   */
  List<Instant> add(RegisteredDevice device, Instant now);

  /** Replaces {@code device}'s entry; {@code null} (nothing written) when it has none. */
  List<Instant> set(RegisteredDevice device, Instant now);

  /** Removes {@code id}'s entry; false when it had none. */
  boolean remove(String id);

  /** Replaces the whole registry. */
  void replaceAll(DeviceRegistry registry);

  /** The store's mute, retirement and their undo (not in the file: Azure's alert has none). */
  String administer(Action action, String id, Duration muteFor);

  /** What {@link #administer} does. */
  enum Action { MUTE, UNMUTE, RETIRE, UNRETIRE }

  @Override
  default void close() {
  }
}
