package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/**
 * Always fails, to show how a function error looks: the invoke answers with
 * {@code X-Amz-Function-Error: Unhandled} and
 * {@code {"errorMessage": "boom", "errorType": "java.lang.IllegalStateException", "stackTrace": [...]}}.
 * Handler {@code example.Fail::handleRequest}.
 */
public class Fail implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        throw new IllegalStateException("boom");
    }
}
