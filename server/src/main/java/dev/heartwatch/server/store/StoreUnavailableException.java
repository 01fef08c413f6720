package dev.heartwatch.server.store;

/** The store could not take a write (closed, overloaded, or the disk failed): the client retries. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message) {
        super(message, null, false, false);
    }
}
