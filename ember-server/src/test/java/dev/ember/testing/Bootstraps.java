package dev.ember.testing;

import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/** {@code bootstrap} scripts for custom-runtime tests, each a complete Lambda runtime. */
public final class Bootstraps {
    private Bootstraps() {
    }

    /** The Runtime API loop in POSIX shell with curl; {@code body} computes RESPONSE from EVENT. */
    public static String shell(String body) {
        return """
                #!/bin/sh
                set -u
                api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
                headers="$(mktemp)"
                while true; do
                  EVENT=$(curl -sS -D "$headers" "$api/invocation/next")
                  REQUEST_ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d: -f2 | tr -d '[:space:]')
                %s
                  printf '%%s' "$RESPONSE" | curl -sS -o /dev/null -X POST --data-binary @- \\
                    "$api/invocation/$REQUEST_ID/response"
                done
                """.formatted(body.indent(2).stripTrailing());
    }

    /**
     * Echoes the event back as {@code {"echo": EVENT, "environment": LOG_STREAM}}, logging a line per invocation.
     * The log stream name is unique per environment (pids are not: in sandboxes every runtime is pid 2).
     */
    public static final String ECHO = shell("""
            echo "handling $REQUEST_ID"
            RESPONSE="{\\"echo\\":$EVENT,\\"environment\\":\\"$AWS_LAMBDA_LOG_STREAM_NAME\\"}"
            """);

    /** The environment an {@link #ECHO} runtime reported: tells one environment from another. */
    public static String environment(InvokeResponse response) {
        String body = response.payload().asUtf8String();
        return body.substring(body.indexOf("\"environment\":") + 14, body.length() - 1);
    }

    /**
     * A runtime that appends each request id it is given to {@code $SEEN_FILE} (a host path: the server must not
     * sandbox), fails with a {@code Flaky} error while the file has at most {@code $FAILURES} lines, and then
     * answers {@code {"ok": <attempt>, "event": EVENT}}, after {@code $DELAY} seconds when set. Python, so that an
     * invocation costs a millisecond rather than a shell's dozen processes. It exits when the Runtime API is gone
     * (its server was killed).
     */
    public static final String RECORDING = """
            #!/usr/bin/python3
            import json, os, time, urllib.request
            api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
            seen, failures = os.environ["SEEN_FILE"], int(os.environ["FAILURES"])
            delay = float(os.environ.get("DELAY", "0"))
            while True:
                try:
                    with urllib.request.urlopen(api + "next") as r:
                        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
                        event = r.read().decode()
                except OSError:
                    raise SystemExit(1)
                fd = os.open(seen, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                os.write(fd, (request_id + "\\n").encode())
                os.close(fd)
                with open(seen) as f:
                    n = sum(1 for _ in f)
                time.sleep(delay)
                if n <= failures:
                    body, path = json.dumps({"errorMessage": "attempt %d failed" % n, "errorType": "Flaky",
                                             "stackTrace": []}), "/error"
                else:
                    body, path = '{"ok":%d,"event":%s}' % (n, event), "/response"
                try:
                    urllib.request.urlopen(urllib.request.Request(api + request_id + path, data=body.encode(),
                                                                  method="POST")).read()
                except OSError:
                    raise SystemExit(1)
            """;

    /** A Python 3 runtime using only the standard library. */
    public static final String PYTHON = """
            #!/usr/bin/python3
            import json, os, sys, urllib.request
            api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
            while True:
                with urllib.request.urlopen(api + "next") as r:
                    request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
                    deadline = int(r.headers["Lambda-Runtime-Deadline-Ms"])
                    event = json.loads(r.read())
                print("python handling", request_id, flush=True)
                if event.get("fail"):
                    body = json.dumps({"errorMessage": "python failed", "errorType": "ValueError",
                                       "stackTrace": []}).encode()
                    req = urllib.request.Request(api + request_id + "/error", data=body, method="POST",
                                                 headers={"Lambda-Runtime-Function-Error-Type": "ValueError"})
                else:
                    body = json.dumps({"python": event, "function": os.environ["AWS_LAMBDA_FUNCTION_NAME"],
                                       "hasDeadline": deadline > 0}).encode()
                    req = urllib.request.Request(api + request_id + "/response", data=body, method="POST")
                urllib.request.urlopen(req).read()
            """;
}
