package dev.ember.url;

import java.util.List;
import java.util.Locale;

/**
 * A Function URL's CORS settings, as AWS's {@code Cors} object has them. Ember answers preflight requests from them
 * and adds the response headers to every answer to an allowed origin, as AWS does.
 *
 * @param maxAgeSeconds how long a browser may cache a preflight answer, or null
 */
public record Cors(boolean allowCredentials, List<String> allowHeaders, List<String> allowMethods,
                   List<String> allowOrigins, List<String> exposeHeaders, Integer maxAgeSeconds) {
    public Cors {
        allowHeaders = List.copyOf(allowHeaders);
        allowMethods = List.copyOf(allowMethods);
        allowOrigins = List.copyOf(allowOrigins);
        exposeHeaders = List.copyOf(exposeHeaders);
    }

    /** The value for {@code Access-Control-Allow-Origin} when {@code origin} is allowed, else null. */
    public String allowedOrigin(String origin) {
        if (origin == null) {
            return null;
        }
        if (allowOrigins.contains("*")) {
            return allowCredentials ? origin : "*";
        }
        return allowOrigins.stream().anyMatch(o -> o.equalsIgnoreCase(origin)) ? origin : null;
    }

    /** Whether a preflight's {@code Access-Control-Request-Method} is allowed. */
    public boolean allowsMethod(String method) {
        return method != null && (allowMethods.contains("*")
                || allowMethods.stream().anyMatch(m -> m.equalsIgnoreCase(method.toUpperCase(Locale.ROOT))));
    }
}
