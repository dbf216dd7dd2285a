package dev.ember.state.client;

/** 412: a conditional write ({@link Put#ifVersion}, {@link Put#ifAbsent}, a delete with a version) found the key at another version, or present, or absent. Read it again and retry, or give up. */
public final class PreconditionFailedException extends StateException {
    PreconditionFailedException(int status, String message) {
        super("PreconditionFailed", status, message);
    }
}
