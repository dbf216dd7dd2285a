package dev.ember.cli;

import static dev.ember.cli.FakeLambda.JSON;
import static dev.ember.cli.FakeLambda.configuration;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InfoCommandTest {
    private static final String FUNCTION = "/2015-03-31/functions/hello";

    private final FakeLambda lambda = FakeLambda.start();

    @AfterEach
    void stop() {
        lambda.close();
    }

    @Test
    void showsConfigurationVersionsAndAliasesWithoutEnvironmentValues() {
        ObjectNode latest = configuration("hello", "$LATEST").put("Description", "says hi");
        latest.putObject("DeadLetterConfig").put("TargetArn", "arn:aws:sqs:us-east-1:000000000000:hello-dlq");
        latest.putObject("Environment").putObject("Variables").put("GREETING", "secret-value").put("STAGE", "prod");
        var function = JSON.createObjectNode();
        function.set("Configuration", latest);
        function.putObject("Code").put("RepositoryType", "S3").put("Location", "http://127.0.0.1:9000/code");
        lambda.on("GET", FUNCTION, 200, function.toString());
        var versions = JSON.createObjectNode().put("NextMarker", "2");
        versions.putArray("Versions").add(configuration("hello", "$LATEST")).add(configuration("hello", "1"));
        lambda.on("GET", FUNCTION + "/versions", 200, versions.toString());
        var more = JSON.createObjectNode();
        more.putArray("Versions").add(configuration("hello", "2").put("Description", "canary"));
        lambda.on("GET", FUNCTION + "/versions?Marker=2", 200, more.toString());
        var aliases = JSON.createObjectNode();
        ObjectNode live = aliases.putArray("Aliases").addObject().put("Name", "live").put("FunctionVersion", "1");
        live.putObject("RoutingConfig").putObject("AdditionalVersionWeights").put("2", 0.1);
        aliases.withArray("Aliases").addObject().put("Name", "beta").put("FunctionVersion", "2");
        lambda.on("GET", FUNCTION + "/aliases", 200, aliases.toString());
        lambda.on("GET", "/ember/v1/functions/hello/scaling", 200, """
                {"Policy":"ember","Version":"$LATEST","Running":1,"Idle":2,"PlannedPrewarms":1,
                 "NextPrewarm":"2026-11-25T12:27:00Z","NextScheduledCall":"2026-11-25T12:30:00Z",
                 "IdleMbSeconds":76800.0,"Explanation":"keeps each idle environment for 10m"}""");
        lambda.on("GET", "/2019-09-30/functions/hello/concurrency", 200, "{\"ReservedConcurrentExecutions\":5}");
        lambda.on("GET", "/2019-09-30/functions/hello/provisioned-concurrency?List=ALL", 200, """
                {"ProvisionedConcurrencyConfigs":[{
                 "FunctionArn":"arn:aws:lambda:us-east-1:000000000000:function:hello:live",
                 "RequestedProvisionedConcurrentExecutions":2,"AllocatedProvisionedConcurrentExecutions":1,
                 "Status":"IN_PROGRESS"}]}""");
        lambda.on("GET", "/ember/v1/functions/hello/async", 200, """
                {"Backlog":2,"BacklogLimit":100000,"TotalBacklog":5,"TotalBacklogLimit":1000000,"Running":1,
                 "OldestEnqueuedAt":"2025-06-01T11:57:30Z","WaitingToRetry":1,"Retries":3,"ThrottleRetries":1,
                 "Succeeded":7,"Failed":1,"Discarded":0,"EventInvokeConfigs":[
                  {"LastModified":1748775600.0,
                   "FunctionArn":"arn:aws:lambda:us-east-1:000000000000:function:hello:$LATEST",
                   "MaximumRetryAttempts":1,"MaximumEventAgeInSeconds":3600,"DestinationConfig":{"OnSuccess":{},
                   "OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:failures"}}},
                  {"LastModified":1748775600.0,
                   "FunctionArn":"arn:aws:lambda:us-east-1:000000000000:function:hello:live",
                   "MaximumRetryAttempts":0,"MaximumEventAgeInSeconds":90,"DestinationConfig":{
                   "OnSuccess":{"Destination":"arn:aws:sqs:us-east-1:000000000000:done"},"OnFailure":{}}}]}""");

        Ember.Run run = Ember.against(lambda, "info", "hello");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                hello
                  arn            arn:aws:lambda:us-east-1:000000000000:function:hello
                  runtime        provided.al2023
                  handler        bootstrap
                  memory         128 MB
                  timeout        3 s
                  code           sha256 n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=, 1.2 KB (1234 bytes)
                  revision       8f1d3c2e-rev
                  environment    GREETING, STAGE
                  state          Active
                  last modified  2025-06-01T11:00:00.000+0000
                  description    says hi

                versions
                  VERSION  CODE-SHA256                                   LAST-MODIFIED                 DESCRIPTION
                  $LATEST  n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=  2025-06-01T11:00:00.000+0000  -
                  1        n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=  2025-06-01T11:00:00.000+0000  -
                  2        n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=  2025-06-01T11:00:00.000+0000  canary

                aliases
                  ALIAS  ROUTING
                  live   1 (90%), 2 (10%)
                  beta   2

                scaling
                  policy        ember
                  environments  1 busy, 2 idle, 1 planned (next 2026-11-25T12:27:00Z)
                  decision      keeps each idle environment for 10m
                  reserved      5
                  provisioned   live: 1 of 2 IN_PROGRESS
                  next timer    2026-11-25T12:30:00Z (a schedule's fire)
                  idle memory   1280 MB·min since the server started

                asynchronous invocations
                  backlog            2 of 100000 (server: 5 of 1000000)
                  running            1
                  oldest event       2025-06-01T11:57:30Z (2m 30s ago)
                  waiting to retry   1
                  retries            3 after function errors, 1 after throttles (since the server started)
                  outcomes           7 succeeded, 1 failed, 0 discarded (since the server started)
                  config $LATEST     1 retry, events kept up to 1h; on success: none; on failure: \
                arn:aws:sqs:us-east-1:000000000000:failures
                  config live        0 retries, events kept up to 1m 30s; on success: \
                arn:aws:sqs:us-east-1:000000000000:done; on failure: none
                  dead-letter queue  arn:aws:sqs:us-east-1:000000000000:hello-dlq
                """);
        assertThat(run.out()).doesNotContain("secret-value");
    }

    @Test
    void saysSoWhenThereAreNoAliasesOrVariables() {
        var function = JSON.createObjectNode();
        function.set("Configuration", configuration("hello", "$LATEST"));
        lambda.on("GET", FUNCTION, 200, function.toString());
        var versions = JSON.createObjectNode();
        versions.putArray("Versions").add(configuration("hello", "$LATEST"));
        lambda.on("GET", FUNCTION + "/versions", 200, versions.toString());
        lambda.on("GET", FUNCTION + "/aliases", 200, "{\"Aliases\":[]}");
        lambda.on("GET", "/ember/v1/functions/hello/scaling", 200, """
                {"Policy":"fixed","Version":"$LATEST","Running":0,"Idle":0,"PlannedPrewarms":0,
                 "Explanation":"keeps each idle environment for 10m"}""");
        lambda.on("GET", "/2019-09-30/functions/hello/concurrency", 200, "{}");
        lambda.on("GET", "/2019-09-30/functions/hello/provisioned-concurrency?List=ALL", 200,
                "{\"ProvisionedConcurrencyConfigs\":[]}");
        lambda.on("GET", "/ember/v1/functions/hello/async", 200, """
                {"Backlog":0,"BacklogLimit":100000,"TotalBacklog":0,"TotalBacklogLimit":1000000,"Running":0,
                 "WaitingToRetry":0,"Retries":0,"ThrottleRetries":0,"Succeeded":0,"Failed":0,"Discarded":0,
                 "EventInvokeConfigs":[]}""");

        Ember.Run run = Ember.against(lambda, "info", "hello");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("  environment    none\n").contains("\naliases\n  none\n")
                .contains("  reserved      none\n  provisioned   none\n")
                .contains("  oldest event       none\n")
                .endsWith("  event config       none; Lambda's defaults: 2 retries, events kept up to 6h, no"
                        + " destinations\n  dead-letter queue  none\n")
                .doesNotContain("description");
    }

    @Test
    void leavesOutAsynchronousInvocationsWhenTheServerPredatesThem() {
        var function = JSON.createObjectNode();
        function.set("Configuration", configuration("hello", "$LATEST"));
        lambda.on("GET", FUNCTION, 200, function.toString());
        lambda.on("GET", FUNCTION + "/versions", 200, "{\"Versions\":[]}");
        lambda.on("GET", FUNCTION + "/aliases", 200, "{\"Aliases\":[]}");
        lambda.on("GET", "/ember/v1/functions/hello/scaling", 200, """
                {"Policy":"fixed","Running":0,"Idle":0,"PlannedPrewarms":0,"Explanation":"keeps nothing"}""");
        lambda.on("GET", "/2019-09-30/functions/hello/concurrency", 200, "{}");
        lambda.on("GET", "/2019-09-30/functions/hello/provisioned-concurrency?List=ALL", 200,
                "{\"ProvisionedConcurrencyConfigs\":[]}");
        // What a server without the endpoint answers to any path it does not know.
        lambda.onError("GET", "/ember/v1/functions/hello/async", 404, "ResourceNotFoundException",
                "Unknown operation GET /ember/v1/functions/hello/async");

        Ember.Run run = Ember.against(lambda, "info", "hello");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).endsWith("  provisioned   none\n").doesNotContain("asynchronous");
        assertThat(run.err()).isEmpty();
    }
}
