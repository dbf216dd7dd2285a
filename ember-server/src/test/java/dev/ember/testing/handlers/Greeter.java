package dev.ember.testing.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** A Java handler deployed by the tests: greets, or fails when asked to. */
public class Greeter implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        context.getLogger().log("greeting " + input.get("name"));
        if (input.containsKey("fail")) {
            throw new IllegalStateException("asked to fail: " + input.get("fail"));
        }
        return Map.of("message", "Hello, " + input.getOrDefault("name", "world") + "!",
                "requestId", context.getAwsRequestId(), "memory", context.getMemoryLimitInMB(),
                "env", String.valueOf(System.getenv("GREETING")));
    }
}
