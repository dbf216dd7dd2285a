package dev.ember.runtimeapi;

import static java.nio.charset.StandardCharsets.UTF_8;

/** Events for tests. */
final class Events {

    static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:hello:live";
    static final String TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private Events() {
    }

    static RuntimeEvent event(String requestId) {
        return event(requestId, "{\"n\":\"" + requestId + "\"}");
    }

    static RuntimeEvent event(String requestId, String payload) {
        return new RuntimeEvent(requestId, 1_767_225_600_000L, ARN, TRACE, null, null, payload.getBytes(UTF_8));
    }

    static String nextUrl(RuntimeApiServer api) {
        return "http://" + api.address() + "/2018-06-01/runtime/invocation/next";
    }

    static String responseUrl(RuntimeApiServer api, String requestId) {
        return "http://" + api.address() + "/2018-06-01/runtime/invocation/" + requestId + "/response";
    }

    static String errorUrl(RuntimeApiServer api, String requestId) {
        return "http://" + api.address() + "/2018-06-01/runtime/invocation/" + requestId + "/error";
    }

    static String initErrorUrl(RuntimeApiServer api) {
        return "http://" + api.address() + "/2018-06-01/runtime/init/error";
    }
}
