package dev.ember.runtimeapi;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** The handler {@link RealRuntimesTest} runs in AWS's runtime interface client: "request id:input", or a failure. */
public class EchoHandler implements RequestHandler<String, String> {

    @Override
    public String handleRequest(String input, Context context) {
        if (input.equals("fail")) {
            throw new IllegalStateException("asked to fail");
        }
        return context.getAwsRequestId() + ":" + input;
    }
}
