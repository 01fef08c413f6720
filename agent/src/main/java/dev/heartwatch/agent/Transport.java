package dev.heartwatch.agent;

/** Posts one heartbeat body to one endpoint; never throws, never blocks past its timeout. */
interface Transport {
    Attempt post(Endpoint endpoint, byte[] jsonBody);
}
