package dev.ember.testing;

/**
 * A complete Python 3 custom runtime (standard library only) around a handler: {@code code} defines
 * {@code handle(event)}, whose return value is the response; an exception becomes the invocation's error.
 */
public final class PythonHandler {
    private PythonHandler() {
    }

    public static String bootstrap(String code) {
        return """
                #!/usr/bin/python3
                import json, os, sys, urllib.request
                api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
                %s
                while True:
                    with urllib.request.urlopen(api + "next") as r:
                        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
                        event = json.loads(r.read())
                    try:
                        body, outcome = json.dumps(handle(event)).encode(), "/response"
                    except Exception as e:
                        body = json.dumps({"errorMessage": str(e), "errorType": type(e).__name__}).encode()
                        outcome = "/error"
                    urllib.request.urlopen(urllib.request.Request(api + request_id + outcome, data=body,
                                                                  method="POST")).read()
                """.formatted(code.strip());
    }
}
