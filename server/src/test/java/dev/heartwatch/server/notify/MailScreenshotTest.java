package dev.heartwatch.server.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heartwatch.channels.support.TestCa;
import dev.heartwatch.server.dashboard.Chromium;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mails of {@link DocScenario} (DOWN, RESOLVED, a storm's digest) as a mail client shows a
 * plain-text mail, in headless Chromium: its From, To and Subject, the thread it answers, and the
 * text as sent, in a monospace block that keeps its lines. Asserts the rendered page carries the
 * outage's figures, then screenshots each to {@code target/screenshots/mail-KIND.png};
 * {@code -Dheartwatch.docs.update=true} copies them to docs/ (docs/notifications.md shows them).
 */
@Tag("full")
class MailScreenshotTest {
    static final Path SHOTS = Path.of("target/screenshots");
    static final Path DOCS = Path.of("..", "docs");

    @TempDir
    Path dir;

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String addresses(Address[] a) {
        List<String> out = new ArrayList<>();
        if (a != null) {
            for (Address x : a) {
                out.add(x.toString());
            }
        }
        return String.join(", ", out);
    }

    /** A reader's view of one mail: the headers a client shows, and the text as sent. */
    static String page(MimeMessage m) throws Exception {
        String reply = m.getHeader("In-Reply-To", null);
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(m.getSubject()) + "</title><style>"
                + "body{margin:0;background:#f3f4f6;font:14px system-ui,sans-serif;color:#111}"
                + ".mail{max-width:860px;margin:16px auto;background:#fff;border:1px solid #d1d5db;border-radius:6px}"
                + ".head{padding:12px 16px;border-bottom:1px solid #e5e7eb}.head h1{font-size:18px;margin:0 0 8px}"
                + ".head div{color:#4b5563;margin:2px 0}pre{margin:0;padding:16px;white-space:pre-wrap;"
                + "font:13px/1.45 ui-monospace,monospace}</style></head><body><div class=\"mail\"><div class=\"head\">"
                + "<h1 id=\"subject\">" + escape(m.getSubject()) + "</h1>"
                + "<div>From: " + escape(addresses(m.getFrom())) + "</div>"
                + "<div>To: " + escape(addresses(m.getRecipients(jakarta.mail.Message.RecipientType.TO))) + "</div>"
                + (reply == null ? "" : "<div>In reply to the DOWN: " + escape(reply) + "</div>")
                + "</div><pre id=\"text\">" + escape(String.valueOf(m.getContent()).replace("\r\n", "\n").stripTrailing())
                + "</pre></div></body></html>";
    }

    @Test
    void eachMailRendersWithItsFiguresAndIsScreenshotted() throws Exception {
        try (DocScenario scenario = new DocScenario(TestCa.create(Files.createDirectories(dir.resolve("ca"))), dir);
             Chromium chromium = Chromium.launch()) {
            chromium.viewport(900, 600, false);
            for (String kind : DocScenario.KINDS) {
                MimeMessage mail = scenario.mails.get(kind);
                Path html = dir.resolve("mail-" + kind + ".html");
                Files.writeString(html, page(mail), StandardCharsets.UTF_8);
                chromium.navigate(html.toUri().toString());
                chromium.waitFor("document.getElementById('text') !== null", Duration.ofSeconds(10), "document.body.innerText");
                String shown = chromium.eval("document.getElementById('text').innerText").asText();
                assertEquals(String.valueOf(mail.getContent()).replace("\r\n", "\n").stripTrailing(), shown, kind + ": the text as sent");
                assertEquals(mail.getSubject(), chromium.eval("document.getElementById('subject').innerText").asText());
                if (kind.equals("resolved")) {
                    for (String figure : List.of("Outage start: 2026-12-01T10:00:40Z", "Outage end:   2026-12-01T10:42:00Z",
                            "Duration:     41 min 20 s", "Cause:        dns")) {
                        assertTrue(shown.contains(figure), "the RESOLVED shows " + figure + ":\n" + shown);
                    }
                    assertTrue(chromium.eval("document.body.innerText").asText().contains("In reply to the DOWN"), "threaded");
                }
                Path shot = SHOTS.resolve("mail-" + kind + ".png");
                chromium.screenshot(shot);
                assertTrue(Files.size(shot) > 1000, "a real image: " + shot);
                if (Boolean.getBoolean("heartwatch.docs.update")) {
                    Files.copy(shot, DOCS.resolve("mail-" + kind + ".png"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            assertEquals("[]", chromium.problems.toString());
        }
    }
}
