package dev.heartwatch.core.contract;

/** A {@code [probe]} line: a request that named no device (a smoke test). Creates no device. */
public record ProbeLine(long ts, String ip, String note) implements ContractLine {
    public ProbeLine {
        note = note == null || note.isEmpty() ? null : note;
    }

    @Override
    public String kind() {
        return "probe";
    }
}
