package dev.ember.api;

import dev.ember.runtimeapi.RuntimeApiExtension;
import dev.ember.state.FunctionState;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state API for operators, under {@code /ember/v1/state} (docs/state-api.md): every namespace and the grants.
 * The same requests and answers as on a function's Runtime API, handled by the same code; this only carries them
 * between Helidon and {@link FunctionState#controlPlane()}. The path is passed on raw, still percent-encoded: a key
 * may hold an encoded {@code /}.
 */
final class StateApi implements HttpService {
    private static final List<String> HEADERS = List.of("if-match", "if-none-match", "x-ember-ttl-seconds");

    private final RuntimeApiExtension state;

    StateApi(FunctionState state) {
        this.state = state.controlPlane();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any("/ember/v1/state", this::serve).any("/ember/v1/state/*", this::serve);
    }

    private void serve(ServerRequest req, ServerResponse res) {
        String method = switch (req.prologue().method().text()) {
            case "GET", "PUT", "POST", "DELETE" -> req.prologue().method().text();
            default -> "OTHER";
        };
        Map<String, String> headers = new HashMap<>();
        for (String name : HEADERS) {
            req.headers().first(HeaderNames.create(name)).ifPresent(value -> headers.put(name, value));
        }
        int limit = FunctionState.maxRequestBytes();
        byte[] body = new byte[0];
        long size = 0;
        if (req.content().hasEntity()) {
            // Kept up to the limit and counted beyond, as the Runtime API does: the state API says what is too large.
            try (InputStream in = req.content().inputStream()) {
                body = in.readNBytes(limit);
                size = body.length + in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        var response = state.serve(new RuntimeApiExtension.Request(method, req.path().rawPath(),
                req.query().rawValue(), headers, body, size));
        res.status(Status.create(response.status()));
        boolean typed = false;
        for (var header : response.headers()) {
            HeaderName name = HeaderNames.create(header.getKey());
            typed |= name.equals(HeaderNames.CONTENT_TYPE);
            res.header(name, header.getValue());
        }
        if (response.status() == 204) {
            res.send();
            return;
        }
        if (!typed) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
        }
        res.send(response.body());
    }
}
