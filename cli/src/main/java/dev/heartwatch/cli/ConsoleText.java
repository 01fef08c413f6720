package dev.heartwatch.cli;

/** Text from outside (file names, service messages) made safe to print on one line. */
public final class ConsoleText {
  private static final int LIMIT = 500;

  private ConsoleText() {}

  public static String of(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), LIMIT));
    text.codePoints()
        .limit(LIMIT)
        .forEach(
            cp -> {
              int type = Character.getType(cp);
              boolean unsafe =
                  type == Character.CONTROL
                      || type == Character.FORMAT
                      || type == Character.LINE_SEPARATOR
                      || type == Character.PARAGRAPH_SEPARATOR
                      || type == Character.SURROGATE;
              out.appendCodePoint(unsafe ? ' ' : cp);
            });
    return out.toString().replaceAll(" {2,}", " ").trim();
  }
}
