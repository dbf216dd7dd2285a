package dev.ember.api;

import static dev.ember.api.Exchanges.body;
import static dev.ember.api.Exchanges.sendJson;

import dev.ember.api.LambdaWire.AliasConfiguration;
import dev.ember.api.LambdaWire.Concurrency;
import dev.ember.api.LambdaWire.FunctionCodeLocation;
import dev.ember.api.LambdaWire.FunctionConfiguration;
import dev.ember.api.LambdaWire.GetFunctionResponse;
import dev.ember.api.LambdaWire.ListAliasesResponse;
import dev.ember.api.LambdaWire.ListFunctionsResponse;
import dev.ember.api.LambdaWire.ListVersionsResponse;
import dev.ember.invoke.ConcurrencyControls;
import dev.ember.lambda.Arns;
import dev.ember.lambda.FunctionRef;
import dev.ember.lambda.LambdaException;
import dev.ember.registry.AliasUpdate;
import dev.ember.registry.ConfigUpdate;
import dev.ember.registry.FunctionConfig;
import dev.ember.registry.FunctionRegistry;
import dev.ember.registry.FunctionVersion;
import dev.ember.registry.Page;
import dev.ember.registry.Runtime;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/** Lambda's control plane (API version 2015-03-31): functions, versions, aliases. */
final class ControlPlane implements HttpService {
    /** AWS's limit on a CreateFunction / UpdateFunctionCode request carrying the zip inline (base64). */
    static final int MAX_CODE_REQUEST_BYTES = 70_167_211;
    private static final int MAX_CONFIG_REQUEST_BYTES = 1 << 20;
    private static final int DEFAULT_MAX_ITEMS = 50;

    private final FunctionRegistry registry;
    private final ConcurrencyControls concurrency;
    private final Arns arns;

    ControlPlane(FunctionRegistry registry, ConcurrencyControls concurrency, Arns arns) {
        this.registry = registry;
        this.concurrency = concurrency;
        this.arns = arns;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/2015-03-31/functions", this::createFunction)
                .get("/2015-03-31/functions", this::listFunctions)
                .get("/2015-03-31/functions/", this::listFunctions)
                .get("/2015-03-31/functions/{name}", this::getFunction)
                .delete("/2015-03-31/functions/{name}", this::deleteFunction)
                .get("/2015-03-31/functions/{name}/configuration", this::getConfiguration)
                .put("/2015-03-31/functions/{name}/configuration", this::updateConfiguration)
                .put("/2015-03-31/functions/{name}/code", this::updateCode)
                .post("/2015-03-31/functions/{name}/versions", this::publishVersion)
                .get("/2015-03-31/functions/{name}/versions", this::listVersions)
                .post("/2015-03-31/functions/{name}/aliases", this::createAlias)
                .get("/2015-03-31/functions/{name}/aliases", this::listAliases)
                .get("/2015-03-31/functions/{name}/aliases/{alias}", this::getAlias)
                .put("/2015-03-31/functions/{name}/aliases/{alias}", this::updateAlias)
                .delete("/2015-03-31/functions/{name}/aliases/{alias}", this::deleteAlias)
                .get("/ember/v1/functions/{name}/code", this::downloadCode);
    }

    private void createFunction(ServerRequest req, ServerResponse res) {
        RequestBody body = RequestBody.parse(body(req, MAX_CODE_REQUEST_BYTES, "the CreateFunction operation"));
        FunctionRef ref = FunctionRef.parse(body.requiredString("FunctionName"));
        if (ref.qualifier() != null) {
            throw LambdaException.invalid("FunctionName must not carry a qualifier when creating a function, "
                    + "was %s:%s", ref.name(), ref.qualifier());
        }
        String packageType = body.string("PackageType");
        if (packageType != null && !packageType.equals("Zip")) {
            throw LambdaException.invalid("PackageType %s is not supported by Ember; deploy a Zip package",
                    packageType);
        }
        checkArchitectures(body);
        RequestBody code = body.object("Code");
        if (code == null) {
            throw LambdaException.invalid("1 validation error detected: Value null at 'code' failed to satisfy "
                    + "constraint: Member must not be null");
        }
        byte[] zip = zipFile(code, "Code.");
        Map<String, String> variables = environment(body);
        RequestBody storage = body.object("EphemeralStorage");
        Integer storageMb = storage == null ? null : storage.integer("Size");
        FunctionConfig config = new FunctionConfig(ref.name(),
                Runtime.fromId(body.requiredString("Runtime")),
                body.requiredString("Handler"),
                body.string("Role"),
                body.string("Description"),
                orDefault(body.integer("Timeout"), FunctionConfig.DEFAULT_TIMEOUT_SECONDS),
                orDefault(body.integer("MemorySize"), FunctionConfig.DEFAULT_MEMORY_MB),
                variables,
                orDefault(storageMb, FunctionConfig.DEFAULT_EPHEMERAL_STORAGE_MB),
                deadLetterTarget(body));
        FunctionVersion created = registry.create(config, zip, body.bool("Publish"));
        sendJson(res, Status.CREATED_201, FunctionConfiguration.of(created, arns));
    }

    private void listFunctions(ServerRequest req, ServerResponse res) {
        boolean all = req.query().first("FunctionVersion").map("ALL"::equals).orElse(false);
        String version = req.query().first("FunctionVersion").orElse(null);
        if (version != null && !all) {
            throw LambdaException.invalid("1 validation error detected: Value '%s' at 'functionVersion' failed to "
                    + "satisfy constraint: Member must satisfy enum value set: [ALL]", version);
        }
        Page<FunctionVersion> page = registry.list(marker(req), maxItems(req), all);
        sendJson(res, Status.OK_200, new ListFunctionsResponse(
                page.items().stream().map(v -> FunctionConfiguration.of(v, arns)).toList(), page.nextMarker()));
    }

    private void getFunction(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        FunctionVersion version = registry.get(ref.name(), ref.qualifier());
        String location = "http://" + req.authority() + "/ember/v1/functions/" + ref.name() + "/code"
                + (ref.qualifier() == null ? "" : "?Qualifier=" + ref.qualifier());
        var reserved = concurrency.reserved(ref.name());
        sendJson(res, Status.OK_200, new GetFunctionResponse(FunctionConfiguration.of(version, arns),
                new FunctionCodeLocation("S3", location), Map.of(),
                reserved.isPresent() ? new Concurrency(reserved.getAsInt()) : null));
    }

    private void downloadCode(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        FunctionVersion version = registry.get(ref.name(), ref.qualifier());
        try {
            byte[] zip = Files.readAllBytes(registry.codeArchive(version.code()));
            res.header(HeaderNames.CONTENT_TYPE, "application/zip");
            res.send(zip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void getConfiguration(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        sendJson(res, Status.OK_200, FunctionConfiguration.of(registry.get(ref.name(), ref.qualifier()), arns));
    }

    private void deleteFunction(ServerRequest req, ServerResponse res) {
        FunctionRef ref = ref(req);
        registry.delete(ref.name(), ref.qualifier());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void updateConfiguration(ServerRequest req, ServerResponse res) {
        String name = unqualified(req);
        RequestBody body = RequestBody.parse(body(req, MAX_CONFIG_REQUEST_BYTES,
                "the UpdateFunctionConfiguration operation"));
        RequestBody storage = body.object("EphemeralStorage");
        String runtime = body.string("Runtime");
        ConfigUpdate update = new ConfigUpdate(
                runtime == null ? null : Runtime.fromId(runtime),
                body.string("Handler"),
                body.string("Role"),
                body.string("Description"),
                body.integer("Timeout"),
                body.integer("MemorySize"),
                body.has("Environment") ? orDefault(environment(body), Map.of()) : null,
                storage == null ? null : storage.integer("Size"),
                body.has("DeadLetterConfig") ? orDefault(deadLetterTarget(body), "") : null);
        FunctionVersion updated = registry.updateConfiguration(name, update, body.string("RevisionId"));
        sendJson(res, Status.OK_200, FunctionConfiguration.of(updated, arns));
    }

    /** {@code DeadLetterConfig.TargetArn}; null when absent or empty. */
    private static String deadLetterTarget(RequestBody body) {
        RequestBody config = body.object("DeadLetterConfig");
        return config == null ? null : config.string("TargetArn");
    }

    private void updateCode(ServerRequest req, ServerResponse res) {
        String name = unqualified(req);
        RequestBody body = RequestBody.parse(body(req, MAX_CODE_REQUEST_BYTES, "the UpdateFunctionCode operation"));
        checkArchitectures(body);
        byte[] zip = zipFile(body, "");
        if (body.bool("DryRun")) {
            FunctionVersion current = registry.get(name, null);
            sendJson(res, Status.OK_200, FunctionConfiguration.of(current, arns));
            return;
        }
        FunctionVersion updated = registry.updateCode(name, zip, body.bool("Publish"), body.string("RevisionId"));
        sendJson(res, Status.OK_200, FunctionConfiguration.of(updated, arns));
    }

    private void publishVersion(ServerRequest req, ServerResponse res) {
        String name = unqualified(req);
        RequestBody body = RequestBody.parse(body(req, MAX_CONFIG_REQUEST_BYTES, "the PublishVersion operation"));
        FunctionVersion published = registry.publishVersion(name, body.string("CodeSha256"),
                body.string("Description"), body.string("RevisionId"));
        sendJson(res, Status.CREATED_201, FunctionConfiguration.of(published, arns));
    }

    private void listVersions(ServerRequest req, ServerResponse res) {
        String name = unqualified(req);
        Page<FunctionVersion> page = registry.listVersions(name, marker(req), maxItems(req));
        sendJson(res, Status.OK_200, new ListVersionsResponse(
                page.items().stream().map(v -> FunctionConfiguration.of(v, arns)).toList(), page.nextMarker()));
    }

    private void createAlias(ServerRequest req, ServerResponse res) {
        String name = unqualified(req);
        RequestBody body = RequestBody.parse(body(req, MAX_CONFIG_REQUEST_BYTES, "the CreateAlias operation"));
        RequestBody routing = body.object("RoutingConfig");
        var alias = registry.createAlias(name, body.requiredString("Name"), body.requiredString("FunctionVersion"),
                body.string("Description"), routing == null ? null : routing.decimalMap("AdditionalVersionWeights"));
        sendJson(res, Status.CREATED_201, AliasConfiguration.of(alias, arns));
    }

    private void listAliases(ServerRequest req, ServerResponse res) {
        String name = unqualified(req);
        var page = registry.listAliases(name, req.query().first("FunctionVersion").orElse(null), marker(req),
                maxItems(req));
        sendJson(res, Status.OK_200, new ListAliasesResponse(
                page.items().stream().map(a -> AliasConfiguration.of(a, arns)).toList(), page.nextMarker()));
    }

    private void getAlias(ServerRequest req, ServerResponse res) {
        sendJson(res, Status.OK_200, AliasConfiguration.of(registry.getAlias(unqualified(req), alias(req)), arns));
    }

    private void updateAlias(ServerRequest req, ServerResponse res) {
        String name = unqualified(req);
        RequestBody body = RequestBody.parse(body(req, MAX_CONFIG_REQUEST_BYTES, "the UpdateAlias operation"));
        RequestBody routing = body.object("RoutingConfig");
        var update = new AliasUpdate(body.string("FunctionVersion"), body.string("Description"),
                routing == null ? null : orDefault(routing.decimalMap("AdditionalVersionWeights"), Map.of()));
        var alias = registry.updateAlias(name, alias(req), update, body.string("RevisionId"));
        sendJson(res, Status.OK_200, AliasConfiguration.of(alias, arns));
    }

    private void deleteAlias(ServerRequest req, ServerResponse res) {
        registry.deleteAlias(unqualified(req), alias(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private static FunctionRef ref(ServerRequest req) {
        return FunctionRef.parse(req.path().pathParameters().get("name"))
                .withQualifier(req.query().first("Qualifier").orElse(null));
    }

    /** The function name of an operation that acts on the function as a whole, where AWS takes no qualifier. */
    private static String unqualified(ServerRequest req) {
        FunctionRef ref = FunctionRef.parse(req.path().pathParameters().get("name"));
        if (ref.qualifier() != null) {
            throw LambdaException.invalid("This operation does not accept a qualified function name; use %s "
                    + "without :%s", ref.name(), ref.qualifier());
        }
        return ref.name();
    }

    private static String alias(ServerRequest req) {
        return req.path().pathParameters().get("alias");
    }

    private static String marker(ServerRequest req) {
        return req.query().first("Marker").filter(m -> !m.isEmpty()).orElse(null);
    }

    private static int maxItems(ServerRequest req) {
        String value = req.query().first("MaxItems").orElse(null);
        if (value == null || value.isEmpty()) {
            return DEFAULT_MAX_ITEMS;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw LambdaException.invalid("MaxItems must be an integer from 1 to 10000, was '%s'", value);
        }
    }

    private static byte[] zipFile(RequestBody code, String prefix) {
        for (String unsupported : new String[] {"S3Bucket", "S3Key", "S3ObjectVersion", "ImageUri"}) {
            if (code.has(unsupported)) {
                throw LambdaException.invalid("%s%s is not supported by Ember: send the package inline as "
                        + "%sZipFile (base64)", prefix, unsupported, prefix);
            }
        }
        byte[] zip = code.blob("ZipFile");
        if (zip == null) {
            throw LambdaException.invalid("1 validation error detected: Value null at '%sZipFile' failed to "
                    + "satisfy constraint: Member must not be null", prefix);
        }
        return zip;
    }

    private static Map<String, String> environment(RequestBody body) {
        RequestBody environment = body.object("Environment");
        return environment == null ? null : environment.stringMap("Variables");
    }

    private static void checkArchitectures(RequestBody body) {
        if (!body.has("Architectures")) {
            return;
        }
        // Only x86_64 runs on this host; anything else would fail at the first invocation.
        String architectures = body.rawText("Architectures");
        if (!architectures.equals("[\"x86_64\"]")) {
            throw LambdaException.invalid("Architectures %s is not supported by this Ember host; use "
                    + "[\"x86_64\"]", architectures);
        }
    }

    private static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
