package dev.ember.api;

import dev.ember.lambda.FunctionRef;
import dev.ember.lambda.LambdaException;
import dev.ember.registry.FunctionRegistry;
import dev.ember.telemetry.FunctionLogs;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Ember's own log API: {@code GET /ember/v1/functions/{name}/logs?since=<epoch ms>&follow=true|false}, one
 * {@code <ISO time> <line>} per line, streamed while following.
 */
final class LogsApi implements HttpService {
    private final FunctionRegistry registry;
    private final FunctionLogs logs;

    LogsApi(FunctionRegistry registry, FunctionLogs logs) {
        this.registry = registry;
        this.logs = logs;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/ember/v1/functions/{name}/logs", this::logs);
    }

    private void logs(ServerRequest req, ServerResponse res) throws InterruptedException {
        String name = FunctionRef.parse(req.path().pathParameters().get("name")).name();
        registry.get(name, null);
        Instant since = Instant.ofEpochMilli(longParameter(req, "since", 0));
        boolean follow = req.query().first("follow").map(Boolean::parseBoolean).orElse(false);
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        try (OutputStream out = res.outputStream()) {
            logs.read(name, since, follow, line -> {
                try {
                    if (line == null) {
                        out.flush(); // a heartbeat: fails once the client has gone
                        return true;
                    }
                    out.write((line.format() + '\n').getBytes(StandardCharsets.UTF_8));
                    if (follow) {
                        out.flush();
                    }
                    return true;
                } catch (IOException | UncheckedIOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            // The client went away.
        }
    }

    private static long longParameter(ServerRequest req, String name, long fallback) {
        String value = req.query().first(name).orElse(null);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw LambdaException.invalid("%s must be epoch milliseconds, was '%s'", name, value);
        }
    }
}
