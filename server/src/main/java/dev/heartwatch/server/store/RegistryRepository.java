package dev.heartwatch.server.store;

import dev.heartwatch.core.schedule.DeviceRegistry;
import dev.heartwatch.core.schedule.RegisteredDevice;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server's device registry ({@code device_registry}, migration 7): the same entries as
 * {@code infra/devices.json}, one row per device, each stored as that file's one-entry array
 * and read back through {@link DeviceRegistry#parse}, the one reader of the layout. A device
 * without a row is on the default schedule with the registry's default channels ({@link
 * #putDefaultChannels}: one row under the empty device name, which no device id can be, holding
 * the file's {@code {"defaults": ...}} form), or every configured channel when none are set.
 */
public final class RegistryRepository {
    private final Database db;

    RegistryRepository(Database db) {
        this.db = db;
    }

    /** Every entry, in device order. */
    public DeviceRegistry registry() {
        return db.inTransaction(RegistryRepository::read);
    }

    public Optional<RegisteredDevice> find(String device) {
        if (DEFAULTS.equals(device)) {
            return Optional.empty();
        }
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT entry FROM device_registry WHERE device = ?")) {
                ps.setString(1, device);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(decode(rs.getString(1))) : Optional.<RegisteredDevice>empty();
                }
            }
        });
    }

    /** The key of the defaults' row: no device id is empty. */
    static final String DEFAULTS = "";

    /** Sets the channels of a device whose entry names none; empty removes the default (every configured channel). */
    public void putDefaultChannels(List<String> channels, Instant now) {
        db.inTransaction(c -> {
            writeDefaults(c, channels, now);
            return null;
        });
    }

    /** Adds or replaces one device's entry. */
    public void put(RegisteredDevice device, Instant now) {
        put(device, now, Precondition.ANY);
    }

    /** What must hold of a device's entry for a {@link #put} to write it (an add, a set, or either). */
    public enum Precondition { ANY, ABSENT, PRESENT }

    /**
     * Adds or replaces one device's entry if {@code precondition} holds, checked and written in
     * one transaction (two concurrent adds of one id cannot both succeed).
     *
     * @return false, with nothing written, when it does not hold
     */
    public boolean put(RegisteredDevice device, Instant now, Precondition precondition) {
        return db.inTransaction(c -> {
            if (precondition != Precondition.ANY) {
                boolean present;
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM device_registry WHERE device = ?")) {
                    ps.setString(1, device.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        present = rs.next();
                    }
                }
                if (present != (precondition == Precondition.PRESENT)) {
                    return false;
                }
            }
            write(c, device, now);
            return true;
        });
    }

    /** Removes one device's entry; false when it had none. */
    public boolean remove(String device) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM device_registry WHERE device = ?")) {
                ps.setString(1, device);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Replaces the whole registry with {@code registry} in one transaction (an import of a file). */
    public void replaceAll(DeviceRegistry registry, Instant now) {
        db.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM device_registry");
            }
            for (RegisteredDevice d : registry.devices()) {
                write(c, d, now);
            }
            writeDefaults(c, registry.defaultChannels(), now);
            return null;
        });
    }

    private static void write(Connection c, RegisteredDevice device, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_registry(device, entry, updated) VALUES (?,?,?) "
                + "ON CONFLICT(device) DO UPDATE SET entry = excluded.entry, updated = excluded.updated")) {
            ps.setString(1, device.id());
            ps.setString(2, new DeviceRegistry(List.of(device)).toJson());
            ps.setLong(3, now.toEpochMilli());
            ps.executeUpdate();
        }
    }

    private static void writeDefaults(Connection c, List<String> channels, Instant now) throws SQLException {
        if (channels.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM device_registry WHERE device = ?")) {
                ps.setString(1, DEFAULTS);
                ps.executeUpdate();
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_registry(device, entry, updated) VALUES (?,?,?) "
                + "ON CONFLICT(device) DO UPDATE SET entry = excluded.entry, updated = excluded.updated")) {
            ps.setString(1, DEFAULTS);
            ps.setString(2, new DeviceRegistry(List.of(), channels).toJson());
            ps.setLong(3, now.toEpochMilli());
            ps.executeUpdate();
        }
    }

    private static DeviceRegistry read(Connection c) throws SQLException {
        List<RegisteredDevice> out = new ArrayList<>();
        List<String> defaults = List.of();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT device, entry FROM device_registry ORDER BY device")) {
            while (rs.next()) {
                if (DEFAULTS.equals(rs.getString(1))) {
                    defaults = DeviceRegistry.parseStored(rs.getString(2)).defaultChannels();
                } else {
                    out.add(decode(rs.getString(2)));
                }
            }
        }
        return new DeviceRegistry(out, defaults);
    }

    /** Stored rows were validated when written; a channel name unknown to this release is kept (routing skips it). */
    private static RegisteredDevice decode(String entry) {
        return DeviceRegistry.parseStored(entry).devices().get(0);
    }
}
