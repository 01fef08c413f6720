package dev.heartwatch.agent.send;

import dev.heartwatch.agent.cause.Attempt;
import dev.heartwatch.agent.config.Endpoint;

/** Posts one heartbeat body to one endpoint; never throws, never blocks past its timeout. */
public interface Transport {
    Attempt post(Endpoint endpoint, byte[] jsonBody);
}
