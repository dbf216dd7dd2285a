package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/**
 * Greets whoever the event names: {@code {"name": "Ada"}} answers {@code {"message": "Hello, Ada!"}}, an event
 * without a name greets the world. Deploy with handler {@code example.Hello::handleRequest} (or
 * {@code example.Hello}) on the {@code java25} or {@code java21} runtime, on Ember or on AWS Lambda.
 */
public class Hello implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Object name = event == null ? null : event.get("name");
        String greeting = "Hello, " + (name == null ? "world" : name) + "!";
        context.getLogger().log("Greeting " + (name == null ? "the world" : name) + " in request "
                + context.getAwsRequestId());
        return Map.of("message", greeting);
    }
}
