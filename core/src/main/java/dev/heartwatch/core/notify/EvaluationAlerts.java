package dev.heartwatch.core.notify;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the aggregation policy is given: the notifications raised in one evaluation and what is
 * known about the devices around them.
 *
 * @param evaluatedAt the evaluation's instant (names a digest's thread)
 * @param raised      in the order they were raised
 * @param parents     device to the device it runs behind (a check to its agent); empty when there are none
 * @param downParents the parents that are DOWN after this evaluation, each with its last heartbeat
 *                    ({@code null} values are not allowed by {@link Map#copyOf}: use
 *                    {@link Instant#MIN} for a parent never heard)
 * @param gathering   the digests still open (not yet sent), by condition, with the instant each opened
 */
public record EvaluationAlerts(Instant evaluatedAt, List<RaisedAlert> raised, Map<String, String> parents,
                               Map<String, Instant> downParents, Map<AlertCondition, Instant> gathering) {

    public EvaluationAlerts {
        Objects.requireNonNull(evaluatedAt, "evaluatedAt");
        raised = List.copyOf(raised);
        parents = Map.copyOf(parents);
        downParents = Map.copyOf(downParents);
        gathering = Map.copyOf(gathering);
    }

    /** An evaluation with no digest gathering. */
    public EvaluationAlerts(Instant evaluatedAt, List<RaisedAlert> raised, Map<String, String> parents,
                            Map<String, Instant> downParents) {
        this(evaluatedAt, raised, parents, downParents, Map.of());
    }

    /** An evaluation of devices that run behind nothing (no checks, no parents). */
    public static EvaluationAlerts standalone(Instant evaluatedAt, List<RaisedAlert> raised) {
        return new EvaluationAlerts(evaluatedAt, raised, Map.of(), Map.of());
    }
}
