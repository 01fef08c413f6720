package dev.heartwatch.channels;

/**
 * Device-supplied text (a name, a cause, a note) made inert for each channel's markup, so that a
 * device called {@code <!channel>}, {@code @everyone} or {@code [x](http://evil)} is shown as
 * those characters and cannot mention anyone, link anywhere or change the formatting.
 */
public final class Markup {
    private Markup() {
    }

    /**
     * Slack mrkdwn: {@code &}, {@code <} and {@code >} are the only characters Slack asks to be
     * escaped, as entities (docs.slack.dev/messaging/formatting-message-text, "Escaping text"):
     * with them gone no {@code <!channel>}, {@code <@U1>} or {@code <url|label>} can form.
     */
    public static String slack(String text) {
        return entities(text, false);
    }

    /**
     * Telegram's HTML parse mode: {@code <}, {@code >}, {@code &} (and {@code "} inside
     * attributes) as entities (core.telegram.org/bots/api#html-style).
     */
    public static String telegramHtml(String text) {
        return entities(text, true);
    }

    /**
     * HTML text and attribute values (an email's HTML body): {@code &}, {@code <}, {@code >},
     * {@code "} and {@code '} as entities, so device text can open no tag, link or attribute.
     */
    public static String html(String text) {
        return entities(text, true).replace("'", "&#39;");
    }

    /**
     * Markdown as Discord and GitHub render it: every ASCII punctuation character that can
     * start or end markup is backslash-escaped (CommonMark allows a backslash before any ASCII
     * punctuation; Discord honours it too), and {@code @} is followed by a zero-width joiner so
     * neither {@code @everyone} nor a GitHub {@code @user} mention forms. Bare URLs are still
     * shown as text but their {@code :} is escaped, so no autolink forms.
     */
    public static String markdown(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '@') {
                out.append("@\u200D");
            } else if (isMarkdownPunctuation(c)) {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isMarkdownPunctuation(char c) {
        return "\\`*_{}[]()<>#+-.!|~:=".indexOf(c) >= 0;
    }

    private static String entities(String text, boolean quotes) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append(quotes ? "&quot;" : "\"");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
