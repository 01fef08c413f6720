package dev.heartwatch.channels;

/** A channel setting that cannot be used; its message names the setting, never a secret's value. */
public class ChannelConfigException extends IllegalArgumentException {
    public ChannelConfigException(String message) {
        super(message);
    }
}
