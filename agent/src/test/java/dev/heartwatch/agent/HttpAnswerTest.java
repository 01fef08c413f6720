package dev.heartwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Which answers leave the connection fit for the next beat: pinned here directly, because
 * over a socket a wrong "reusable" only costs a retry and would go unseen (HttpExchangeTest).
 */
class HttpAnswerTest {
    private static HttpAnswer read(String answer, long maxBody) throws Exception {
        AnswerInput in = new AnswerInput(
                new ByteArrayInputStream(answer.replace("|", "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
        return HttpAnswer.read(in, maxBody);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "HTTP/1.1 200 OK|Content-Length: 2||ok                                 ; 200; true;  -1",
        "HTTP/1.1 200 OK|Connection: close|Content-Length: 2||ok               ; 200; false; -1",
        "HTTP/1.1 200 OK|Connection: Keep-Alive, Close|Content-Length: 0||     ; 200; false; -1",
        "HTTP/1.0 200 OK|Content-Length: 2||ok                                 ; 200; false; -1",
        "HTTP/1.0 200 OK|Connection: keep-alive|Content-Length: 2||ok          ; 200; true;  -1",
        "HTTP/1.1 200 OK|Transfer-Encoding: chunked||2|ok|0||                  ; 200; true;  -1",
        "HTTP/1.1 200 OK|Transfer-Encoding: chunked|Content-Length: 9||2|ok|0||; 200; false; -1",
        "HTTP/1.1 200 OK|Transfer-Encoding: gzip|Content-Length: 2||ok         ; 200; false; -1",
        "HTTP/1.1 200 OK|Transfer-Encoding: xchunked|Content-Length: 2||ok     ; 200; false; -1",
        "HTTP/1.1 200 OK|Transfer-Encoding: chunked|Transfer-Encoding: gzip||ok; 200; false; -1",
        "HTTP/1.1 200 OK|Transfer-Encoding: gzip|Transfer-Encoding: chunked||2|ok|0||; 200; true;  -1",
        "HTTP/1.0 200 OK|Connection: keep-alive|Transfer-Encoding: chunked||2|ok|0||; 200; false; -1",
        "HTTP/1.1 200 OK|X-Note: a|  Content-Length: 100|Content-Length: 2||ok ; 200; true;  -1",
        "HTTP/1.1 200 OK|Connection: keep-alive,|\tclose|Content-Length: 2||ok  ; 200; false; -1",
        "HTTP/1.1 200|Content-Length: 2||ok                                    ; 200; true;  -1",
        "HTTP/1.1 200 OK||no length, read to the end                           ; 200; false; -1",
        "HTTP/1.1 200 OK|Content-Length: 100||ok                               ; 200; false; -1",
        "HTTP/1.1 200 OK|Keep-Alive: timeout=5, max=100|Content-Length: 0||    ; 200; true;   5",
        "HTTP/1.1 204 No Content|Content-Length: 0||                           ; 204; true;  -1",
        "HTTP/1.1 503 Busy|Content-Length: 4||busy                             ; 503; true;  -1",
        "HTTP/1.1 100 Continue||HTTP/1.1 200 OK|Content-Length: 2||ok          ; 200; true;  -1",
        "HTTP/1.1 200 OK|Content-Length: 2||okEXTRA                            ; 200; false; -1",
    })
    void statusAndReuse(String answer, int status, boolean reusable, long keepAlive) throws Exception {
        HttpAnswer a = read(answer.strip(), 10);
        assertEquals(status, a.status());
        assertEquals(reusable, a.reusable(), "reusable");
        assertEquals(keepAlive, a.keepAliveSeconds());
    }

    @Test
    void aChunkedBodyPastTheLimitIsLeftUnreadAndTheConnectionNotReused() throws Exception {
        HttpAnswer a = read("HTTP/1.1 200 OK|Transfer-Encoding: chunked||8|12345678|8|12345678|0||", 10);
        assertEquals(false, a.reusable());
    }

    @Test
    void aChunkSizeThatWouldOverflowTheCountIsTooLargeNotAnEndlessRead() throws Exception {
        // 1 + 0x7fff... wraps negative: the body must still count as too large, and the status as read.
        HttpAnswer a = read("HTTP/1.1 200 OK|Transfer-Encoding: chunked||1|a|7fffffffffffffff|aaaa", 10);
        assertEquals(200, a.status());
        assertEquals(false, a.reusable());
    }

    @Test
    void endlessInterimAnswersAreBoundedLikeOneHead() {
        String interim = "HTTP/1.1 100 Continue||".repeat(HttpAnswer.MAX_HEAD_BYTES / 20);
        assertThrows(ProtocolException.class, () -> read(interim + "HTTP/1.1 200 OK|Content-Length: 0||", 10));
    }

    @Test
    void aFoldedLineBeforeAnyFieldIsAProtocolError() {
        assertThrows(ProtocolException.class, () -> read("HTTP/1.1 200 OK| Content-Length: 0||", 10));
    }

    @Test
    void anAnswerCutShortIsAnEndOfStreamNotAMalformedOne() {
        assertThrows(EOFException.class, () -> read("", 10));
        assertThrows(EOFException.class, () -> read("HTTP/1.1 200 OK|Content-Le", 10));
        assertThrows(EOFException.class, () -> read("HTTP/1.1 200 OK|Content-Length: 5||ok", 10));
    }

    @Test
    void garbageIsAProtocolError() {
        assertThrows(ProtocolException.class, () -> read("SSH-2.0-OpenSSH_9.6||", 10));
        assertThrows(ProtocolException.class, () -> read("HTTP/1.1 20 OK||", 10));
    }
}
