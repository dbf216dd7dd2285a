package dev.ember.api;

import static dev.ember.api.Exchanges.body;
import static dev.ember.api.Exchanges.sendJson;

import dev.ember.lambda.Arns;
import dev.ember.lambda.FunctionRef;
import dev.ember.registry.FunctionVersion;
import dev.ember.url.Cors;
import dev.ember.url.FunctionUrlConfig;
import dev.ember.url.FunctionUrls;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Function URLs' control plane as AWS serves it (API version 2021-10-31): Create (201), Get, Update, Delete
 * FunctionUrlConfig on {@code /2021-10-31/functions/{name}/url[?Qualifier=]} and ListFunctionUrlConfigs on
 * {@code .../urls}. A URL is reported in its path form, {@code http://<server>/url/<url-id>/}.
 */
final class FunctionUrlApi implements HttpService {
    private static final String PATH = "/2021-10-31/functions/{name}/url";
    private static final int MAX_REQUEST_BYTES = 16_384;

    private final FunctionUrls urls;
    private final Arns arns;

    FunctionUrlApi(FunctionUrls urls, Arns arns) {
        this.urls = urls;
        this.arns = arns;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(PATH, this::create).get(PATH, this::get).put(PATH, this::update).delete(PATH, this::delete)
                .get("/2021-10-31/functions/{name}/urls", this::list);
    }

    private void create(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        FunctionUrlConfig config = urls.create(ref.name(), ref.qualifier(), change(req, "CreateFunctionUrlConfig"));
        Map<String, Object> body = describe(req, config);
        body.remove("LastModifiedTime");
        sendJson(res, Status.CREATED_201, body);
    }

    private void get(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        sendJson(res, Status.OK_200, describe(req, urls.get(ref.name(), ref.qualifier())));
    }

    private void update(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        sendJson(res, Status.OK_200, describe(req, urls.update(ref.name(), ref.qualifier(),
                change(req, "UpdateFunctionUrlConfig"))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        urls.delete(ref.name(), ref.qualifier());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void list(ServerRequest req, ServerResponse res) {
        String name = FunctionRef.parse(req.path().pathParameters().get("name")).name();
        sendJson(res, Status.OK_200, QualifierPage.of(req, name, urls.list(name), FunctionUrlConfig::qualifier,
                "FunctionUrlConfigs", config -> describe(req, config)));
    }

    private static FunctionUrls.Change change(ServerRequest req, String operation) {
        RequestBody body = RequestBody.parse(body(req, MAX_REQUEST_BYTES, "the " + operation + " operation"));
        Cors cors = null;
        if (body.has("Cors")) {
            RequestBody c = body.object("Cors");
            cors = new Cors(c.bool("AllowCredentials"), orEmpty(c.stringList("AllowHeaders")),
                    orEmpty(c.stringList("AllowMethods")), orEmpty(c.stringList("AllowOrigins")),
                    orEmpty(c.stringList("ExposeHeaders")), c.integer("MaxAge"));
        }
        return new FunctionUrls.Change(body.string("AuthType"), cors, body.string("InvokeMode"));
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }

    private Map<String, Object> describe(ServerRequest req, FunctionUrlConfig config) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("FunctionUrl", "http://" + req.authority() + "/url/" + config.urlId() + "/");
        body.put("FunctionArn", arns.function(config.function(),
                config.qualifier().equals(FunctionVersion.LATEST) ? null : config.qualifier()));
        body.put("AuthType", config.authType());
        if (config.cors() != null) {
            Cors cors = config.cors();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("AllowCredentials", cors.allowCredentials());
            c.put("AllowHeaders", cors.allowHeaders());
            c.put("AllowMethods", cors.allowMethods());
            c.put("AllowOrigins", cors.allowOrigins());
            c.put("ExposeHeaders", cors.exposeHeaders());
            if (cors.maxAgeSeconds() != null) {
                c.put("MaxAge", cors.maxAgeSeconds());
            }
            body.put("Cors", c);
        }
        body.put("CreationTime", config.created().toString());
        body.put("LastModifiedTime", config.lastModified().toString());
        body.put("InvokeMode", config.invokeMode());
        return body;
    }

    private static FunctionRef ref(ServerRequest req) {
        return FunctionRef.parse(req.path().pathParameters().get("name"))
                .withQualifier(req.query().first("Qualifier").orElse(null));
    }
}
