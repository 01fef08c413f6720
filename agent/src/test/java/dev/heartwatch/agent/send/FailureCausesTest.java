package dev.heartwatch.agent.send;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heartwatch.agent.cause.Cause;
import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class FailureCausesTest {

    @Test
    void aResetWhileTheJdkWritesTheRequestIsAReset() {
        // What HttpURLConnection throws when the peer resets while the body is being written:
        // a bare IOException, the SocketException swallowed by its PrintStream.
        assertEquals(Cause.RESET, FailureCauses.classify(new IOException("Error writing to server"),
                FailureCauses.Phase.EXCHANGE, false));
    }

    @Test
    void aResetWhileReadingIsAReset() {
        assertEquals(Cause.RESET, FailureCauses.classify(new SocketException("Connection reset"),
                FailureCauses.Phase.EXCHANGE, false));
    }

    @Test
    void anIoErrorOfNoKnownShapeStaysUnknown() {
        assertEquals(Cause.UNKNOWN, FailureCauses.classify(new IOException("something else"),
                FailureCauses.Phase.EXCHANGE, false));
    }
}
