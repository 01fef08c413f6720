package dev.heartwatch.server.notify;

import dev.heartwatch.server.config.ServerConfig.Smtp;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * Alert mail over SMTP (Angus Mail), or, without an SMTP host, one {@code .eml} file per mail in
 * the outbox folder (written to a temporary file, then renamed: never half a mail). The
 * Message-ID and the outbox file name come from the notification's idempotency key, so a
 * re-delivery after a crash is recognisably the same mail.
 */
public final class EmailChannel implements NotificationChannel {
    /** A person reads it: never the same alert twice (see {@link NotificationChannel#repeatAfterCrash()}). */
    @Override
    public boolean repeatAfterCrash() {
        return false;
    }

    private static final int TIMEOUT_MS = 15_000;

    private final Smtp smtp;
    private final Path outbox;
    private final Session session;

    public EmailChannel(Smtp smtp, Path outbox) {
        this.smtp = smtp;
        this.outbox = outbox;
        this.session = Session.getInstance(properties(smtp));
    }

    static Properties properties(Smtp smtp) {
        Properties p = new Properties();
        if (!smtp.configured()) {
            return p;
        }
        String proto = smtp.security() == Smtp.Security.TLS ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", smtp.host());
        p.put("mail." + proto + ".port", String.valueOf(smtp.port()));
        p.put("mail." + proto + ".connectiontimeout", String.valueOf(TIMEOUT_MS));
        p.put("mail." + proto + ".timeout", String.valueOf(TIMEOUT_MS));
        p.put("mail." + proto + ".writetimeout", String.valueOf(TIMEOUT_MS));
        p.put("mail." + proto + ".auth", String.valueOf(smtp.user() != null));
        if (smtp.security() == Smtp.Security.STARTTLS) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (smtp.security() != Smtp.Security.NONE) {
            p.put("mail." + proto + ".ssl.checkserveridentity", "true");
        }
        return p;
    }

    @Override
    public String name() {
        return smtp.configured() ? "smtp" : "outbox";
    }

    @Override
    public void deliver(AlertMessage m) throws MessagingException, IOException {
        MimeMessage mail = compose(m);
        if (smtp.configured()) {
            if (smtp.user() != null) {
                Transport.send(mail, smtp.user(), smtp.password());
            } else {
                Transport.send(mail);
            }
            return;
        }
        Files.createDirectories(outbox);
        Path target = outbox.resolve(fileName(m));
        Path tmp = Files.createTempFile(outbox, ".mail-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                mail.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    MimeMessage compose(AlertMessage m) throws MessagingException {
        String messageId = "<" + digest(m.idemKey()) + "@heartwatch>";
        MimeMessage mail = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        mail.setFrom(new InternetAddress(smtp.from()));
        List<String> to = smtp.to().isEmpty() ? List.of("operator@localhost") : smtp.to();
        for (String r : to) {
            mail.addRecipient(Message.RecipientType.TO, new InternetAddress(r));
        }
        mail.setSubject(m.subject(), "UTF-8");
        mail.setText(m.text(), "UTF-8");
        mail.setSentDate(new Date());
        mail.setHeader("X-Heartwatch-Device", m.device());
        mail.setHeader("X-Heartwatch-Condition", m.fired() ? "Fired" : "Resolved");
        mail.saveChanges();
        return mail;
    }

    static String fileName(AlertMessage m) {
        String when = (m.fired() ? m.firedAt() : m.resolvedAt()).toString().replace(":", "").replace("-", "");
        return when + "-" + m.device() + "-" + (m.fired() ? "down" : "resolved") + "-" + digest(m.idemKey()).substring(0, 12) + ".eml";
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
