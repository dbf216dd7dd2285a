package dev.ember.api;

import static dev.ember.testing.EmberTestServer.zip;
import static dev.ember.testing.EmberTestServer.zipBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ember.testing.EmberTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.ListFunctionsResponse;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** The control plane through the AWS SDK for Java v2, against a real server. */
class ControlPlaneSdkTest {
    private static final Map<String, String> BOOTSTRAP = Map.of("bootstrap", "#!/bin/sh\necho hi\n");

    @TempDir
    Path dataDir;
    EmberTestServer ember;
    LambdaClient lambda;

    @BeforeEach
    void start() {
        ember = EmberTestServer.start(dataDir);
        lambda = ember.lambda();
    }

    @AfterEach
    void stop() {
        ember.close();
    }

    private FunctionConfiguration create(String name) {
        lambda.createFunction(b -> b.functionName(name).runtime(Runtime.PROVIDED_AL2023)
                .handler("handler").role("arn:aws:iam::000000000000:role/test").code(c -> c.zipFile(zip(BOOTSTRAP))));
        return lambda.getFunction(b -> b.functionName(name)).configuration();
    }

    @Test
    void createsAFunctionWithAwsFieldsAndDefaults() throws Exception {
        byte[] zip = zipBytes(BOOTSTRAP);
        var created = lambda.createFunction(b -> b.functionName("hello").runtime(Runtime.PROVIDED_AL2023)
                .handler("function.handler").description("says hi")
                .environment(e -> e.variables(Map.of("GREETING", "hi")))
                .code(c -> c.zipFile(SdkBytes.fromByteArray(zip))));

        assertThat(created.functionName()).isEqualTo("hello");
        assertThat(created.functionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:hello");
        assertThat(created.runtime()).isEqualTo(Runtime.PROVIDED_AL2023);
        assertThat(created.memorySize()).isEqualTo(128);
        assertThat(created.timeout()).isEqualTo(3);
        assertThat(created.version()).isEqualTo("$LATEST");
        assertThat(created.codeSize()).isEqualTo(zip.length);
        assertThat(created.codeSha256()).isEqualTo(
                Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip)));
        assertThat(created.revisionId()).isNotBlank();
        assertThat(created.stateAsString()).isEqualTo("Active");
        assertThat(created.environment().variables()).containsEntry("GREETING", "hi");
        assertThat(created.ephemeralStorage().size()).isEqualTo(512);

        var fetched = lambda.getFunction(b -> b.functionName("hello"));
        assertThat(fetched.configuration().codeSha256()).isEqualTo(created.codeSha256());
        assertThat(fetched.configuration().revisionId()).isEqualTo(created.revisionId());
        assertThat(fetched.configuration().lastModified()).isEqualTo(created.lastModified());
        assertThat(fetched.code().location()).contains("/ember/v1/functions/hello/code");
        var download = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(fetched.code().location())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.body()).isEqualTo(zip);
    }

    @Test
    void listsFunctionsPageByPage() {
        for (String name : List.of("e", "a", "d", "b", "c")) {
            create(name);
        }
        List<String> names = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            String current = marker;
            ListFunctionsResponse page = lambda.listFunctions(b -> b.maxItems(2).marker(current));
            page.functions().forEach(f -> names.add(f.functionName()));
            marker = page.nextMarker();
            pages++;
        } while (marker != null);

        assertThat(names).containsExactly("a", "b", "c", "d", "e");
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void updatesCodeAndConfigurationWithOptimisticLocking() {
        var original = create("fn");
        var updated = lambda.updateFunctionCode(b -> b.functionName("fn")
                .zipFile(zip(Map.of("bootstrap", "#!/bin/sh\necho changed\n"))).revisionId(original.revisionId()));
        assertThat(updated.codeSha256()).isNotEqualTo(original.codeSha256());
        assertThat(updated.revisionId()).isNotEqualTo(original.revisionId());

        assertThatThrownBy(() -> lambda.updateFunctionConfiguration(b -> b.functionName("fn").memorySize(256)
                .revisionId(original.revisionId())))
                .isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining("Revision Id");

        var configured = lambda.updateFunctionConfiguration(b -> b.functionName("fn").memorySize(256).timeout(30)
                .revisionId(updated.revisionId()));
        assertThat(configured.memorySize()).isEqualTo(256);
        assertThat(configured.timeout()).isEqualTo(30);
        assertThat(configured.codeSha256()).isEqualTo(updated.codeSha256());
    }

    @Test
    void publishesImmutableVersionsAndRoutesAliasesByWeight() {
        create("fn");
        var v1 = lambda.publishVersion(b -> b.functionName("fn"));
        lambda.updateFunctionConfiguration(b -> b.functionName("fn").memorySize(512));
        var v2 = lambda.publishVersion(b -> b.functionName("fn").description("bigger"));
        assertThat(v1.version()).isEqualTo("1");
        assertThat(v2.version()).isEqualTo("2");
        assertThat(lambda.getFunction(b -> b.functionName("fn").qualifier("1")).configuration().memorySize())
                .isEqualTo(128);
        assertThat(lambda.listVersionsByFunction(b -> b.functionName("fn")).versions())
                .extracting(FunctionConfiguration::version).containsExactly("$LATEST", "1", "2");

        var alias = lambda.createAlias(b -> b.functionName("fn").name("live").functionVersion("1")
                .routingConfig(r -> r.additionalVersionWeights(Map.of("2", 0.25))));
        assertThat(alias.aliasArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:fn:live");
        assertThat(alias.routingConfig().additionalVersionWeights()).containsEntry("2", 0.25);
        assertThat(lambda.getFunction(b -> b.functionName("fn:live")).configuration().version()).isEqualTo("1");

        var moved = lambda.updateAlias(b -> b.functionName("fn").name("live").functionVersion("2")
                .routingConfig(r -> r.additionalVersionWeights(Map.of())));
        assertThat(moved.functionVersion()).isEqualTo("2");
        assertThat(lambda.listAliases(b -> b.functionName("fn")).aliases()).hasSize(1);
        assertThatThrownBy(() -> lambda.deleteFunction(b -> b.functionName("fn").qualifier("2")))
                .isInstanceOf(ResourceConflictException.class);
        lambda.deleteAlias(b -> b.functionName("fn").name("live"));
        lambda.deleteFunction(b -> b.functionName("fn").qualifier("2"));
        assertThat(lambda.listVersionsByFunction(b -> b.functionName("fn")).versions())
                .extracting(FunctionConfiguration::version).containsExactly("$LATEST", "1");
    }

    @Test
    void deletesAFunction() {
        create("gone");
        lambda.deleteFunction(b -> b.functionName("gone"));
        assertThatThrownBy(() -> lambda.getFunction(b -> b.functionName("gone")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Function not found: arn:aws:lambda:us-east-1:000000000000:function:gone");
    }

    @Test
    void refusesBadInputWithTypedErrorsAndChangesNothing() {
        create("keep");
        String before = lambda.listFunctions().toString();

        assertThatThrownBy(() -> lambda.createFunction(request("x").runtime("nodejs20.x").build()))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("nodejs20.x").hasMessageContaining("provided.al2023");
        assertThatThrownBy(() -> lambda.createFunction(request("bad name!").build()))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("functionName");
        assertThatThrownBy(() -> lambda.createFunction(request("x").memorySize(20000).build()))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("memorySize");
        assertThatThrownBy(() -> lambda.createFunction(request("x").timeout(0).build()))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> lambda.createFunction(request("x")
                .code(c -> c.zipFile(SdkBytes.fromUtf8String("not a zip"))).build()))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("Could not unzip");
        assertThatThrownBy(() -> lambda.createFunction(request("x")
                .code(c -> c.zipFile(zip(Map.of("../escape", "x")))).build()))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("../escape");
        assertThatThrownBy(() -> lambda.createFunction(request("keep").build()))
                .isInstanceOf(ResourceConflictException.class);
        assertThatThrownBy(() -> lambda.createFunction(request("x")
                .environment(e -> e.variables(Map.of("AWS_REGION", "eu-west-1"))).build()))
                .isInstanceOf(InvalidParameterValueException.class).hasMessageContaining("AWS_REGION");

        assertThat(lambda.listFunctions().toString()).isEqualTo(before);
    }

    @Test
    void refusesMalformedAndWrongTypedJsonNamingTheField() throws Exception {
        var http = HttpClient.newHttpClient();
        var malformed = http.send(HttpRequest.newBuilder(ember.endpoint().resolve("/2015-03-31/functions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"FunctionName\": ")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("X-Amzn-ErrorType")).hasValue("InvalidRequestContentException");
        assertThat(malformed.body()).contains("\"Type\":\"User\"").contains("Could not parse request body");

        var wrongType = http.send(HttpRequest.newBuilder(ember.endpoint().resolve("/2015-03-31/functions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"FunctionName\":\"x\",\"Runtime\":\"provided\","
                        + "\"Handler\":\"h\",\"MemorySize\":\"big\",\"Code\":{\"ZipFile\":\"\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(wrongType.headers().firstValue("X-Amzn-ErrorType")).hasValue("InvalidParameterValueException");
        assertThat(wrongType.body()).contains("MemorySize must be an integer");

        var badBase64 = http.send(HttpRequest.newBuilder(ember.endpoint().resolve("/2015-03-31/functions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"FunctionName\":\"x\",\"Runtime\":\"provided\","
                        + "\"Handler\":\"h\",\"Code\":{\"ZipFile\":\"%%%\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badBase64.statusCode()).isEqualTo(400);
        assertThat(badBase64.body()).contains("Code.ZipFile is not valid base64");
        assertThat(lambda.listFunctions().functions()).isEmpty();
    }

    @Test
    void sdkSeesInvalidRequestContentAsTypedException() {
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("missing")))
                .isInstanceOf(ResourceNotFoundException.class);
        create("fn");
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("fn").payload(SdkBytes.fromUtf8String("{no"))))
                .isInstanceOf(InvalidRequestContentException.class);
    }

    private static CreateFunctionRequest.Builder request(String name) {
        return CreateFunctionRequest.builder().functionName(name).runtime(Runtime.PROVIDED_AL2023).handler("h")
                .code(c -> c.zipFile(zip(BOOTSTRAP)));
    }
}
