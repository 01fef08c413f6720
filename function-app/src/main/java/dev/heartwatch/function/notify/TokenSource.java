package dev.heartwatch.function.notify;

/** A bearer token for one audience ({@code https://storage.azure.com/.default}, ...). */
@FunctionalInterface
public interface TokenSource {
    String token(String scope);
}
