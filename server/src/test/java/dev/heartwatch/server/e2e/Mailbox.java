package dev.heartwatch.server.e2e;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What GreenMail received, as subject + body strings the assertions can print. */
final class Mailbox {
    private Mailbox() {
    }

    record Mail(String subject, String body) {
        @Override
        public String toString() {
            return subject;
        }
    }

    /** Server settings that send every notification by SMTP to this GreenMail, no TLS (loopback). */
    static Map<String, String> smtp(GreenMailExtension greenMail) {
        return Map.of("HEARTWATCH_SMTP_HOST", "127.0.0.1", "HEARTWATCH_SMTP_PORT", String.valueOf(greenMail.getSmtp().getPort()),
                "HEARTWATCH_SMTP_SECURITY", "NONE", "HEARTWATCH_MAIL_TO", "me@example.test");
    }

    static List<Mail> all(GreenMailExtension greenMail) {
        List<Mail> out = new ArrayList<>();
        for (MimeMessage m : greenMail.getReceivedMessages()) {
            try {
                out.add(new Mail(m.getSubject(), String.valueOf(m.getContent())));
            } catch (MessagingException | IOException e) {
                throw new AssertionError("unreadable mail", e);
            }
        }
        return out;
    }

    static long count(GreenMailExtension greenMail, String subjectPrefix) {
        return all(greenMail).stream().filter(m -> m.subject().startsWith(subjectPrefix)).count();
    }
}
