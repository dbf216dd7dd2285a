package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.ember.state.client.Namespace;
import dev.ember.state.client.PreconditionFailedException;
import dev.ember.state.client.Put;
import dev.ember.state.client.State;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts a page's visits and remembers who came first, in Ember's durable state: {@code {"page": "/menu",
 * "visitor": "ann"}} answers {@code {"page": "/menu", "visits": 3, "firstVisitor": "bob", "youWereFirst": false}}.
 * Every environment of the function sees the same counts, and none is lost when several count at once.
 *
 * <p>Deploy {@code target/java-state.jar} (the handler with the ember-state client's classes) with handler {@code
 * example.Visits::handleRequest} on {@code java25} or {@code java21}.
 */
public class Visits implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    /** One client for the process: it keeps its connections to the environment's state API alive. */
    private static final State STATE = State.fromEnvironment();

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        String page = String.valueOf(event.getOrDefault("page", "/"));
        String visitor = String.valueOf(event.getOrDefault("visitor", "someone"));
        Namespace mine = STATE.own(); // named like the function

        long visits = mine.increment("visits" + page);
        boolean first;
        try {
            mine.put("first" + page, visitor, Put.ifAbsent()); // only the first writer of the key gets here
            first = true;
        } catch (PreconditionFailedException someoneWasEarlier) {
            first = false;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("page", page);
        answer.put("visits", visits);
        answer.put("firstVisitor", mine.get("first" + page, String.class).orElse(visitor));
        answer.put("youWereFirst", first);
        return answer;
    }
}
