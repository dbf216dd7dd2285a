package dev.ember.api;

import dev.ember.invoke.InvocationResult;
import dev.ember.invoke.InvokeRequest;
import dev.ember.invoke.Invoker;
import dev.ember.lambda.Arns;
import dev.ember.lambda.ErrorType;
import dev.ember.lambda.LambdaException;
import dev.ember.url.Cors;
import dev.ember.url.FunctionUrlConfig;
import dev.ember.url.FunctionUrls;
import dev.ember.url.UrlAnswer;
import dev.ember.url.UrlEvents;
import dev.ember.url.UrlRequest;
import io.helidon.http.Header;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves Function URLs on Ember's HTTP server, in both of their forms: by path, {@code /url/<url-id>/<path>} (works
 * with any host name, e.g. {@code 127.0.0.1:9000}), and by host, {@code <url-id>.lambda-url.<anything>} as AWS's
 * (with a wildcard DNS name, or {@code curl --resolve}). Each request becomes a payload format 2.0 event for a
 * synchronous invocation; the answer is the function's response as AWS interprets it. Function errors are 502,
 * timeouts 504, throttles 429; CORS preflights are answered from the URL's configuration without invoking anything.
 */
final class FunctionUrlServer implements HttpService {
    private static final Pattern HOST = Pattern.compile("([a-z0-9]{32})\\.lambda-url\\..*");
    /** AWS's limit for a Function URL's request and response: 6 MB, as a synchronous invocation's. */
    private static final int MAX_BODY = InvokeApi.MAX_SYNC_PAYLOAD;

    private final FunctionUrls urls;
    private final Invoker invoker;
    private final Arns arns;
    private final InstantSource clock;

    FunctionUrlServer(FunctionUrls urls, Invoker invoker, Arns arns, InstantSource clock) {
        this.urls = urls;
        this.invoker = invoker;
        this.arns = arns;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any("/url/{id}", this::byPath).any("/url/{id}/*", this::byPath);
    }

    /** The host form: a request to {@code <url-id>.lambda-url.*} is a URL's, whatever its path. */
    void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String host = req.authority().toLowerCase(Locale.ROOT);
        Matcher matcher = HOST.matcher(host);
        if (!matcher.matches()) {
            chain.proceed();
            return;
        }
        serve(req, res, matcher.group(1), req.path().rawPath());
    }

    private void byPath(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        String raw = req.path().rawPath();
        String prefix = "/url/" + id;
        serve(req, res, id, raw.length() > prefix.length() ? raw.substring(prefix.length()) : "/");
    }

    private void serve(ServerRequest req, ServerResponse res, String id, String rawPath) {
        FunctionUrlConfig config = urls.byId(id).orElse(null);
        if (config == null) {
            send(res, UrlAnswer.error(404, "Not Found"), null, null);
            return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : req.headers()) {
            headers.computeIfAbsent(header.name().toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                    .addAll(header.allValues());
        }
        String origin = headers.containsKey("origin") ? headers.get("origin").getFirst() : null;
        Cors cors = config.cors();
        if (cors != null && req.prologue().method() == Method.OPTIONS && origin != null
                && headers.containsKey("access-control-request-method")) {
            preflight(res, cors, origin, headers);
            return;
        }
        byte[] body;
        try {
            body = Exchanges.body(req, MAX_BODY, "a Function URL");
        } catch (LambdaException tooLarge) {
            send(res, UrlAnswer.error(413, "Request Entity Too Large"), cors, origin);
            return;
        }
        var peer = req.remotePeer().address();
        String sourceIp = peer instanceof InetSocketAddress socket ? socket.getAddress().getHostAddress()
                : String.valueOf(peer);
        var request = new UrlRequest(req.prologue().method().text(), rawPath, req.query().rawValue(),
                req.prologue().protocol() + "/" + req.prologue().protocolVersion(), headers, body,
                req.authority(), sourceIp);
        String requestId = RequestId.of(req);
        byte[] event = UrlEvents.of(request, id, requestId, clock.instant());
        UrlAnswer answer;
        try {
            answer = switch (invoker.invoke(new InvokeRequest(requestId, config.function(), config.qualifier(),
                    event, false, null))) {
                case InvocationResult.Success success -> success.payload().length > MAX_BODY
                        ? UrlAnswer.error(502, "Internal Server Error") : UrlAnswer.of(success.payload());
                case InvocationResult.FunctionError error -> UrlAnswer.error(502, "Internal Server Error");
                case InvocationResult.Timeout timeout -> UrlAnswer.error(504, "Endpoint request timed out");
                case InvocationResult.Throttled throttled -> UrlAnswer.error(429, "Rate Exceeded.");
            };
        } catch (LambdaException e) {
            answer = e.type() == ErrorType.RESOURCE_NOT_FOUND ? UrlAnswer.error(404, "Not Found")
                    : UrlAnswer.error(e.type().status(), e.getMessage());
        }
        send(res, answer, cors, origin);
    }

    private static void preflight(ServerResponse res, Cors cors, String origin, Map<String, List<String>> headers) {
        String allowed = cors.allowedOrigin(origin);
        String method = headers.get("access-control-request-method").getFirst();
        if (allowed != null && cors.allowsMethod(method)) {
            res.header("Access-Control-Allow-Origin", allowed);
            res.header("Access-Control-Allow-Methods", String.join(",", cors.allowMethods()));
            List<String> requested = headers.get("access-control-request-headers");
            if (!cors.allowHeaders().isEmpty()) {
                res.header("Access-Control-Allow-Headers", cors.allowHeaders().contains("*") && requested != null
                        ? String.join(",", requested) : String.join(",", cors.allowHeaders()));
            }
            if (cors.maxAgeSeconds() != null) {
                res.header("Access-Control-Max-Age", Integer.toString(cors.maxAgeSeconds()));
            }
            if (cors.allowCredentials()) {
                res.header("Access-Control-Allow-Credentials", "true");
            }
            res.header("Vary", "Origin");
        }
        res.status(Status.OK_200).send();
    }

    private static void send(ServerResponse res, UrlAnswer answer, Cors cors, String origin) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        answer.headers().forEach(h -> headers.computeIfAbsent(h.getKey(), n -> new ArrayList<>()).add(h.getValue()));
        String allowed = cors == null ? null : cors.allowedOrigin(origin);
        if (allowed != null) {
            headers.put("Access-Control-Allow-Origin", List.of(allowed));
            if (!cors.exposeHeaders().isEmpty()) {
                headers.put("Access-Control-Expose-Headers", List.of(String.join(",", cors.exposeHeaders())));
            }
            if (cors.allowCredentials()) {
                headers.put("Access-Control-Allow-Credentials", List.of("true"));
            }
            headers.put("Vary", List.of("Origin"));
        }
        headers.forEach((name, values) -> res.header(name, values.toArray(String[]::new)));
        res.status(Status.create(answer.status()));
        res.send(answer.body());
    }
}
