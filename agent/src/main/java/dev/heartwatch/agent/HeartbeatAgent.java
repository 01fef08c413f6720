package dev.heartwatch.agent;

import dev.heartwatch.agent.cause.Attempt;
import dev.heartwatch.agent.cause.Cause;
import dev.heartwatch.agent.cause.FaultLocator;
import dev.heartwatch.agent.config.AgentConfig;
import dev.heartwatch.agent.config.Endpoint;
import dev.heartwatch.agent.ledger.Outage;
import dev.heartwatch.agent.ledger.OutageLedger;
import dev.heartwatch.agent.ledger.StackFault;
import dev.heartwatch.agent.log.AgentLog;
import dev.heartwatch.agent.send.HeartbeatBody;
import dev.heartwatch.agent.send.Transport;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One beat, start to finish: build the body with the pending outages, try the
 * endpoints in order (failover), then record what happened in the ledger and log
 * only what changed. Failures never escape: the agent must outlive every fault.
 *
 * <p>A beat delivered by a secondary after the primary failed is a success (no
 * outage), and says so in its {@code note}: {@code "<note>; primary failed: <cause>"}.
 */
final class HeartbeatAgent implements Runnable {
    static final String RUNNING = "running";
    static final String STOPPING = "stopping";
    /** Fan-out: a stack that failed while another answered (issue 18); a stack fault, never a home outage. */
    static final String STACK_UNREACHABLE = StackFault.CAUSE;

    private enum State { STARTING, UP, DOWN, KEY_REJECTED }

    private final AgentConfig config;
    private final Transport transport;
    private final OutageLedger ledger;
    private final FaultLocator locator;
    private final Clock clock;
    private final AgentLog log;
    private final String version;
    private long seq;
    private State state = State.STARTING;
    private int deliveredBy;
    private String lastFailure;

    HeartbeatAgent(AgentConfig config, Transport transport, OutageLedger ledger, FaultLocator locator, Clock clock,
                   AgentLog log, String version) {
        this.config = config;
        this.transport = transport;
        this.ledger = ledger;
        this.locator = locator;
        this.clock = clock;
        this.log = log;
        this.version = version;
    }

    /** Start-up: say how we are configured (key redacted) and notice our own downtime. */
    synchronized void start() {
        log.event("heartwatch-agent " + version + " starting: " + config);
        try {
            if (ledger.noticeStartUp(clock.millis(), config.interval().toMillis())) {
                Outage o = ledger.openOutage();
                log.event("the agent itself was not running since " + java.time.Instant.ofEpochMilli(o.start())
                        + " (no clean stop recorded); reporting it as agent_not_running");
            }
        } catch (IOException e) {
            ledgerProblem(e);
        }
    }

    @Override
    public void run() {
        beat(RUNNING);
    }

    /** The last beat on a deliberate stop, so the stop is not taken for an outage. */
    synchronized boolean stop() {
        boolean sent = beat(STOPPING);
        try {
            ledger.recordCleanStop(clock.millis());
        } catch (IOException e) {
            ledgerProblem(e);
        }
        log.event("stopped" + (sent ? "" : " (the stopping beat was not delivered)"));
        return sent;
    }

    /** Sends one beat; true when an endpoint accepted it. */
    synchronized boolean beat(String agentState) {
        return beat(agentState, -1, -1);
    }

    /**
     * Sends one beat with contract v2's run fields (negative: left out); true when an endpoint
     * accepted it. {@link #lastFailure()} then says why not.
     */
    synchronized boolean beat(String agentState, int exitStatus, long durationMs) {
        long now = clock.millis();
        seq++;
        if (config.fanout()) {
            return fanOut(now, agentState, exitStatus, durationMs);
        }
        List<Attempt> failures = new ArrayList<>();
        Attempt delivered = null;
        HeartbeatBody body = null;
        List<Endpoint> endpoints = config.endpoints();
        for (int i = 0; i < endpoints.size() && delivered == null; i++) {
            String note = config.note();
            if (!failures.isEmpty()) {
                note = note + "; primary failed: " + failures.get(0).cause().code();
            }
            body = HeartbeatBody.of(config.device(), note, seq, now, version, agentState, exitStatus, durationMs,
                    ledger.pending(HeartbeatBody.MAX_OUTAGES));
            Attempt a = transport.post(endpoints.get(i), body.bytes());
            if (a.ok()) {
                delivered = a;
                deliveredBy = logFailover(i, failures);
            } else {
                failures.add(a);
            }
        }
        if (delivered != null) {
            lastFailure = null;
            succeeded(now, delivered, body);
            return true;
        }
        failed(now, failures);
        return false;
    }

    /**
     * Fan-out (issue 18 section 2): the same beat to the primary and every secondary, one
     * after the other, each within the timeout. The pair is one link: the home is up when any
     * stack answered 2xx (its outages are acknowledged by the first answer that read them),
     * and down, as in failover, only when none did. A stack that failed while another answered
     * is a fault of that stack, not of the home: a {@link StackFault} in the ledger (apart from
     * the home's outages, persisted, logged when it starts and ends), reported once it is over
     * in the {@code note} of the next beat to that stack and forgotten when that stack answers it.
     * Not an outage report: in the contract an outage means the home was down, and it was not.
     */
    private boolean fanOut(long now, String agentState, int exitStatus, long durationMs) {
        List<Outage> pending = ledger.pending(HeartbeatBody.MAX_OUTAGES);
        HeartbeatBody body = HeartbeatBody.of(config.device(), config.note(), seq, now, version, agentState, exitStatus,
                durationMs, pending);
        List<Attempt> failures = new ArrayList<>();
        Attempt delivered = null;
        List<Endpoint> answered = new ArrayList<>();
        for (Endpoint e : config.endpoints()) {
            // A stack fault that is over rides the note of a beat to the stack that missed those beats.
            StackFault missed = ledger.unreportedStackFault(e.label());
            HeartbeatBody b = missed == null ? body : HeartbeatBody.of(config.device(),
                    config.note() + "; " + missed.note(), seq, now, version, agentState, exitStatus, durationMs, pending);
            Attempt a = transport.post(e, b.bytes());
            if (a.ok()) {
                answered.add(e);
                if (delivered == null || !delivered.acknowledges() && a.acknowledges()) {
                    delivered = a;
                }
                if (missed != null) {
                    reported(missed);
                }
            } else {
                failures.add(a);
            }
        }
        if (delivered == null) {
            // No stack answered: an outage of the home, which covers the stack faults from here on.
            for (String stack : ledger.openStackFaults()) {
                stackAnswered(stack, now);
            }
            failed(now, failures);
            return false;
        }
        for (Attempt a : failures) {
            try {
                if (ledger.recordStackMissed(a.endpoint().label(), now, delivered.endpoint().label())) {
                    log.event("stack fault: " + a.endpoint().label() + " " + STACK_UNREACHABLE + " ("
                            + a.cause().code() + ": " + a.detail() + ") while " + delivered.endpoint().label()
                            + " answered; not an outage of the home");
                }
            } catch (IOException e) {
                ledgerProblem(e);
            }
        }
        for (Endpoint e : answered) {
            StackFault over = stackAnswered(e.label(), now);
            if (over != null) {
                log.event("stack fault over: " + e.label() + " answers again after " + over.missed()
                        + " missed beat(s); the next beat to it says so in its note");
            }
        }
        lastFailure = null;
        succeeded(now, delivered, body);
        return true;
    }

    private StackFault stackAnswered(String stack, long now) {
        try {
            return ledger.recordStackAnswered(stack, now);
        } catch (IOException e) {
            ledgerProblem(e);
            return null;
        }
    }

    private void reported(StackFault f) {
        try {
            ledger.stackFaultReported(f);
        } catch (IOException e) {
            ledgerProblem(e);
        }
        log.event("stack fault reported to " + f.stack() + ": " + f.note());
    }

    /** Why the last beat was not delivered (cause code and detail, not yet redacted), or null. */
    synchronized String lastFailure() {
        return lastFailure;
    }

    private void succeeded(long now, Attempt delivered, HeartbeatBody body) {
        Set<String> acked = new HashSet<>();
        if (delivered.acknowledges()) {
            for (Outage o : body.carried()) {
                acked.add(o.id());
            }
        }
        Outage ended;
        try {
            ended = ledger.recordSuccess(now, acked);
        } catch (IOException e) {
            ledgerProblem(e);
            ended = null;
        }
        if (ended != null) {
            log.event("up again: outage " + ended.id() + " (" + ended.cause().code() + ") lasted "
                    + seconds(ended.end() - ended.start()) + "; it rides the next heartbeat");
        } else if (state != State.UP) {
            log.event("up: heartbeat accepted by " + delivered.endpoint().label());
        }
        if (!acked.isEmpty()) {
            log.event("endpoint acknowledged " + acked.size() + " outage report(s)");
        }
        log.beat("beat " + seq + " ok (" + delivered.detail() + ")");
        state = State.UP;
    }

    private void failed(long now, List<Attempt> failures) {
        for (Attempt a : failures) {
            if (a.cause() == Cause.AUTH) {
                // The network worked; the key did not. Loud, but not an outage.
                if (state != State.KEY_REJECTED) {
                    log.event("KEY REJECTED: " + a.detail() + " - check HEARTBEAT_KEY / the URL's code; "
                            + "this is not recorded as an outage");
                }
                log.beat("beat " + seq + " rejected: " + a.detail());
                lastFailure = "auth - " + a.detail();
                state = State.KEY_REJECTED;
                return;
            }
        }
        Attempt primary = locator.locate(failures.get(0));
        StringBuilder detail = new StringBuilder(primary.detail());
        for (int i = 1; i < failures.size(); i++) {
            detail.append("; secondary ").append(i).append(": ").append(failures.get(i).cause().code());
        }
        try {
            Outage opened = ledger.recordFailure(now, primary.cause(), HeartbeatBody.cut(detail.toString()));
            if (opened != null) {
                log.event("down: " + opened.cause().code() + " - " + detail + " (outage " + opened.id() + ")");
            }
        } catch (IOException e) {
            ledgerProblem(e);
        }
        log.beat("beat " + seq + " failed: " + primary.cause().code() + " - " + detail);
        lastFailure = primary.cause().code() + " - " + detail;
        state = State.DOWN;
    }

    private int logFailover(int index, List<Attempt> failures) {
        if (index != deliveredBy) {
            if (index > 0) {
                log.event("primary failed (" + failures.get(0).cause().code() + ": " + failures.get(0).detail()
                        + "); heartbeat delivered by secondary " + index);
            } else if (deliveredBy > 0) {
                log.event("primary answers again");
            }
        }
        return index;
    }

    private void ledgerProblem(IOException e) {
        log.event("cannot write the outage ledger " + config.ledger() + ": " + e.getClass().getSimpleName() + ": "
                + e.getMessage() + " - outages are kept in memory only until this is fixed");
    }

    private static String seconds(long ms) {
        return (ms / 1000) + "." + (ms % 1000 / 100) + " s";
    }
}
