package dev.ember.url;

import java.time.Instant;

/**
 * A function's URL (CreateFunctionUrlConfig): an id that Ember's HTTP server routes to the function's
 * {@code $LATEST} or an alias.
 *
 * @param urlId     32 lower-case letters and digits, as AWS's
 * @param qualifier {@code $LATEST} or an alias name
 * @param authType  {@code NONE} (the only one Ember serves yet)
 * @param cors      the CORS settings, or null
 * @param invokeMode {@code BUFFERED}
 */
public record FunctionUrlConfig(String function, String qualifier, String urlId, String authType, Cors cors,
                                String invokeMode, Instant created, Instant lastModified) {
}
