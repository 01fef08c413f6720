package dev.heartwatch.core.schedule;

import java.util.List;

/** A registry text that was refused, with every problem found in it (each one sentence). */
public final class DeviceRegistryException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public DeviceRegistryException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
