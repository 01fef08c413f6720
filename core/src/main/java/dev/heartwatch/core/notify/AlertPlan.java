package dev.heartwatch.core.notify;

import java.util.List;
import java.util.Set;

/**
 * The aggregation policy's answer for one evaluation.
 *
 * @param messages what to send, in order
 * @param absorbed checks that went down behind a parent already down before this evaluation: the
 *                 parent's DOWN, already sent, speaks for them; nothing is sent
 * @param held     RESOLVEDs of checks whose parent is down: not sent now (a check never resolves
 *                 merely because its parent went down); offer them again to a later evaluation
 * @param released the conditions whose digest (gathering, or made now) is complete: send it; a
 *                 digest of a condition not released keeps gathering
 */
public record AlertPlan(List<OutgoingAlert> messages, List<Absorbed> absorbed, List<RaisedAlert> held,
                        Set<AlertCondition> released) {

    public AlertPlan {
        messages = List.copyOf(messages);
        absorbed = List.copyOf(absorbed);
        held = List.copyOf(held);
        released = Set.copyOf(released);
    }

    /** A check's DOWN taken into its parent's open outage. */
    public record Absorbed(RaisedAlert alert, String parent) {
    }
}
