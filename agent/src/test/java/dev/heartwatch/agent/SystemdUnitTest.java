package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The unit keeps its hardening and never carries a key. */
class SystemdUnitTest {
    @Test
    void theUnitIsHardenedAndKeyless() throws Exception {
        String unit = Files.readString(Path.of("..", "scripts", "systemd", "heartwatch-agent.service"));
        for (String line : List.of("Restart=always", "DynamicUser=yes", "ProtectSystem=strict",
                "NoNewPrivileges=yes", "StateDirectory=heartwatch-agent",
                "EnvironmentFile=/etc/heartwatch-agent/agent.env", "SuccessExitStatus=143", "CapabilityBoundingSet=\n")) {
            assertTrue(unit.contains(line), "missing " + line);
        }
        assertFalse(unit.contains("HEARTBEAT_KEY="));
        assertFalse(unit.contains("code="));
        assertFalse(unit.contains("MemoryDenyWriteExecute=yes"), "the JIT needs W+X memory");
    }
}
