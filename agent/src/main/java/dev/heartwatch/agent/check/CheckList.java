package dev.heartwatch.agent.check;

import dev.heartwatch.agent.config.CheckDefinition;
import dev.heartwatch.agent.config.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's checks, parsed at start: every line valid, at most {@link #MAX_CHECKS} (one batch
 * carries them all), and no two on the same device id. Two names can meet after the contract's
 * sanitising and its 64-character cut ({@code home.Web} and {@code home.web}); the second is
 * refused at start, naming both, rather than merging two checks into one device.
 */
public final class CheckList {
    /** A receiver reads at most 100 items of a batch (docs/contract.md §1a). */
    public static final int MAX_CHECKS = 100;

    private CheckList() {
    }

    public static List<Check> parse(List<CheckDefinition> defs, CheckLine.Defaults d) throws ConfigException {
        if (defs.size() > MAX_CHECKS) {
            throw new ConfigException(defs.size() + " checks configured; at most " + MAX_CHECKS
                    + " fit one batch (run a second agent for more)");
        }
        List<Check> checks = new ArrayList<>();
        Map<String, Check> byDevice = new HashMap<>();
        for (CheckDefinition def : defs) {
            Check c = CheckLine.parse(def, d);
            if (c.device().equals(d.agentDevice())) {
                throw new ConfigException(def.where() + ": its device id " + c.device() + " is the agent's own");
            }
            Check before = byDevice.putIfAbsent(c.device(), c);
            if (before != null) {
                throw new ConfigException(def.where() + ": its device id " + c.device() + " is also " + before.where()
                        + "'s (names are lower-cased, sanitised and cut to 64 characters); rename one");
            }
            checks.add(c);
        }
        return List.copyOf(checks);
    }

    /** Credentials the checks' lines hold (http URLs), for the agent's redactor. */
    public static List<String> secrets(List<Check> checks) {
        List<String> out = new ArrayList<>();
        for (Check c : checks) {
            if (c.probe() instanceof HttpProbe h) {
                out.addAll(h.secrets());
            }
        }
        return out;
    }
}
