package dev.heartwatch.server.notify;

import dev.heartwatch.channels.AlertMessage;
import dev.heartwatch.channels.BoundedAttempt;
import dev.heartwatch.channels.DeliveryResult;
import dev.heartwatch.channels.NotificationChannel;
import dev.heartwatch.server.config.ServerConfig.Smtp;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
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
import java.time.Duration;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Alert mail over SMTP (Angus Mail), or, without an SMTP host, one {@code .eml} file per mail in
 * the outbox folder (written to a temporary file, then renamed: never half a mail). The
 * Message-ID and the outbox file name come from the notification's idempotency key, so a
 * re-delivery after a crash is recognisably the same mail. A DOWN's Message-ID is its outage's
 * thread root; the RESOLVED answers it (In-Reply-To, References), so mail readers show one thread
 * per outage.
 *
 * <p>One attempt per call: each socket operation is bounded by the timeout, and the whole SMTP
 * exchange too (it runs on a thread of its own that is abandoned at the deadline: a server that
 * dribbles one byte at a time cannot hold the worker). A 4xx reply is worth retrying, a 5xx or a
 * refused login is permanent.
 */
public final class EmailChannel implements NotificationChannel {
    /** A person reads it: never the same alert twice (see {@link NotificationChannel#repeatAfterCrash()}). */
    @Override
    public boolean repeatAfterCrash() {
        return false;
    }

    /** How long one attempt may take, the whole SMTP exchange included. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private final Smtp smtp;
    private final Path outbox;
    private final Session session;
    private final Duration timeout;
    private final ExecutorService attempts = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "heartwatch-smtp-attempt");
        t.setDaemon(true);
        return t;
    });

    public EmailChannel(Smtp smtp, Path outbox) {
        this(smtp, outbox, DEFAULT_TIMEOUT);
    }

    public EmailChannel(Smtp smtp, Path outbox, Duration timeout) {
        this.smtp = smtp;
        this.outbox = outbox;
        this.timeout = timeout;
        this.session = Session.getInstance(properties(smtp, timeout));
    }

    static Properties properties(Smtp smtp, Duration timeout) {
        String millis = String.valueOf(timeout.toMillis());
        Properties p = new Properties();
        if (!smtp.configured()) {
            return p;
        }
        String proto = smtp.security() == Smtp.Security.TLS ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", smtp.host());
        p.put("mail." + proto + ".port", String.valueOf(smtp.port()));
        p.put("mail." + proto + ".connectiontimeout", millis);
        p.put("mail." + proto + ".timeout", millis);
        p.put("mail." + proto + ".writetimeout", millis);
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

    /** SMTP or the outbox directory, the registry routes both as {@code email}. */
    @Override
    public String routeName() {
        return "email";
    }

    @Override
    public DeliveryResult deliver(AlertMessage m) {
        MimeMessage mail;
        try {
            mail = compose(m);
        } catch (MessagingException e) {
            return DeliveryResult.permanent("cannot compose the mail: " + e.getClass().getSimpleName());
        }
        if (!smtp.configured()) {
            return writeToOutbox(m, mail);
        }
        Future<?> attempt = attempts.submit(() -> {
            if (smtp.user() != null) {
                Transport.send(mail, smtp.user(), smtp.password());
            } else {
                Transport.send(mail);
            }
            return null;
        });
        return BoundedAttempt.await(attempt, timeout, sent -> DeliveryResult.delivered(), EmailChannel::classify);
    }

    /** An SMTP failure read by its reply code; a failure without one (no connection) is worth retrying. */
    static DeliveryResult classify(Throwable e) {
        if (e instanceof AuthenticationFailedException) {
            return DeliveryResult.permanent("SMTP login refused");
        }
        int code = replyCode(e);
        if (code >= 500) {
            return DeliveryResult.permanent("SMTP " + code);
        }
        if (code >= 400) {
            return DeliveryResult.retry("SMTP " + code);
        }
        if (e instanceof SendFailedException) {
            return DeliveryResult.permanent("SMTP refused the recipients");
        }
        return DeliveryResult.retry(e == null ? "failed" : e.getClass().getSimpleName());
    }

    private static int replyCode(Throwable e) {
        for (Throwable t = e; t != null; t = t instanceof MessagingException me && me.getNextException() != null
                ? me.getNextException() : null) {
            if (t instanceof SMTPSendFailedException f) {
                return f.getReturnCode();
            }
            if (t instanceof SMTPAddressFailedException f) {
                return f.getReturnCode();
            }
        }
        return -1;
    }

    private DeliveryResult writeToOutbox(AlertMessage m, MimeMessage mail) {
        try {
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
            return DeliveryResult.delivered();
        } catch (IOException | MessagingException e) {
            return DeliveryResult.retry("cannot write to the outbox folder: " + e.getClass().getSimpleName());
        }
    }

    MimeMessage compose(AlertMessage m) throws MessagingException {
        String threadRoot = "<thread-" + digest(m.threadKey()) + "@heartwatch>";
        boolean opensThread = m.fired() && !m.digest();
        String messageId = opensThread ? threadRoot : "<" + digest(m.idemKey()) + "@heartwatch>";
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
        if (!opensThread && !m.digest()) {
            mail.setHeader("In-Reply-To", threadRoot);
            mail.setHeader("References", threadRoot);
        }
        if (!m.digest()) {
            mail.setHeader("X-Heartwatch-Device", m.device());
        }
        mail.setHeader("X-Heartwatch-Condition", m.fired() ? "Fired" : "Resolved");
        mail.saveChanges();
        return mail;
    }

    static String fileName(AlertMessage m) {
        String when = (m.fired() ? m.firedAt() : m.resolvedAt()).toString().replace(":", "").replace("-", "");
        return when + "-" + (m.digest() ? "digest" : m.device()) + "-" + (m.fired() ? "down" : "resolved") + "-" + digest(m.idemKey()).substring(0, 12) + ".eml";
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
