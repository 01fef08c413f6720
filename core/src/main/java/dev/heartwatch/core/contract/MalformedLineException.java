package dev.heartwatch.core.contract;

/** A string that is not a line of the contract. The message never repeats the line itself. */
public class MalformedLineException extends Exception {
    public MalformedLineException(String message) {
        super(message);
    }
}
