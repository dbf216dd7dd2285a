package dev.ember.state.client;

/** 403: the caller may not use the namespace (not its own and not granted to it; namespaces that do not exist answer the same, so they cannot be probed), or the environment's token was wrong. */
public final class AccessDeniedException extends StateException {
    AccessDeniedException(int status, String message) {
        super("AccessDenied", status, message);
    }
}
