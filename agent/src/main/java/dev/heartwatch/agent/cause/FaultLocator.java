package dev.heartwatch.agent.cause;

import java.net.InetAddress;

/**
 * Says where a failed beat broke: the home network (the gateway did not answer),
 * ISP/upstream (the gateway answered, the endpoint could not be reached) or the
 * endpoint (it answered, badly). How it combines with the cause (docs/agent.md):
 * {@code cause} stays the network-level code, except that a silent gateway makes
 * it {@code home_network}, the root cause; {@code detail} always starts with the place.
 */
public final class FaultLocator {
    static final String HOME = "home network";
    static final String UPSTREAM = "ISP/upstream";
    static final String ENDPOINT = "endpoint";

    private final GatewaySource gateways;
    private final GatewayProber prober;

    public FaultLocator(GatewaySource gateways, GatewayProber prober) {
        this.gateways = gateways;
        this.prober = prober;
    }

    /** The failure, placed: its cause (possibly {@code home_network}) and its detail prefixed by the place. */
    public Attempt locate(Attempt failed) {
        Cause cause = failed.cause();
        if (!cause.isNetworkLevel()) {
            return new Attempt(failed.endpoint(), failed.status(), cause, ENDPOINT + ": " + failed.detail());
        }
        InetAddress gw = gateways.gateway();
        if (gw == null) {
            return new Attempt(failed.endpoint(), failed.status(), Cause.HOME_NETWORK,
                    HOME + ": no default route; " + cause.code() + ": " + failed.detail());
        }
        String gwText = gw.getHostAddress();
        if (!prober.answers(gw)) {
            return new Attempt(failed.endpoint(), failed.status(), Cause.HOME_NETWORK,
                    HOME + ": gateway " + gwText + " did not answer; " + cause.code() + ": " + failed.detail());
        }
        return new Attempt(failed.endpoint(), failed.status(), cause,
                UPSTREAM + ": gateway " + gwText + " answered; " + failed.detail());
    }
}
