using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Testing.Simulation.AzureDevOps;
using static FlowCollector.Sources.Tests.AzureDevOps.AdoScenarios;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>Reads against the simulator through the production registration: what comes out, and what it costs.</summary>
public sealed class AzureDevOpsEventSourceReadingTests
{
    [Fact]
    public async Task A_pull_request_with_several_review_rounds_maps_to_its_events()
    {
        var model = new SimulatedAzureDevOps();
        var checkout = model.AddProject("Web").AddRepository("checkout");
        var pr = ReviewRounds(checkout);
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:ReadBuilds"] = "false" });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        var buildService = SimulatedAdoIdentity.BuildService("contoso").UniqueName;
        (FlowEventKind, TimeSpan, string?, bool, ReviewState, bool)[] expected =
        [
            (FlowEventKind.WorkItemCreated, TimeSpan.FromDays(-3), null, false, ReviewState.None, false),
            (FlowEventKind.WorkItemActivated, TimeSpan.FromDays(-2), null, false, ReviewState.None, false),
            (FlowEventKind.CommitAuthored, TimeSpan.FromHours(-2), "alice@contoso.com", false, ReviewState.None, false),
            (FlowEventKind.CommitAuthored, TimeSpan.FromHours(-1), "alice@contoso.com", false, ReviewState.None, false),
            (FlowEventKind.ChangeOpened, TimeSpan.Zero, "alice@contoso.com", false, ReviewState.None, true),
            (FlowEventKind.ReadyForReview, TimeSpan.FromMinutes(30), "alice@contoso.com", false, ReviewState.None, false),
            (FlowEventKind.ReviewRequested, TimeSpan.FromMinutes(31), "Alice", false, ReviewState.None, false),
            (FlowEventKind.ReviewCommented, TimeSpan.FromHours(1), buildService, true, ReviewState.None, false),
            (FlowEventKind.ReviewCommented, TimeSpan.FromHours(2), "bob@contoso.com", false, ReviewState.None, false),
            (FlowEventKind.ReviewCommented, TimeSpan.FromMinutes(121), "alice@contoso.com", false, ReviewState.None, false),
            (FlowEventKind.ReviewSubmitted, TimeSpan.FromMinutes(125), "bob@contoso.com", false, ReviewState.ChangesRequested, false),
            (FlowEventKind.CommitAuthored, TimeSpan.FromHours(3), "alice@contoso.com", false, ReviewState.None, false),
            (FlowEventKind.ReviewSubmitted, TimeSpan.FromHours(4), "bob@contoso.com", false, ReviewState.Approved, false),
            (FlowEventKind.ReviewSubmitted, TimeSpan.FromMinutes(270), "carol@contoso.com", false, ReviewState.Approved, false),
            (FlowEventKind.ReviewSubmitted, TimeSpan.FromMinutes(280), "alice@contoso.com", false, ReviewState.Approved, false),
            (FlowEventKind.ChangeMerged, TimeSpan.FromHours(5), null, false, ReviewState.None, false),
        ];
        var actual = read.Events
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.Kind)
            .Select(e => (e.Kind, e.OccurredAt - T0, e.Actor, e.ActorIsBot, e.ReviewState, e.IsDraft))
            .ToArray();
        Assert.Equal(expected.OrderBy(e => e.Item2).ThenBy(e => e.Item1), actual);
        Assert.All(read.Events, e => Assert.Equal(("1", $"{ado.Url}Web/_git/checkout/pullrequest/1", "main"), (e.SubjectId, e.Url, e.TargetBranch)));
        Assert.Equal(pr.MergeCommitSha, Assert.Single(read.Events, e => e.Kind == FlowEventKind.ChangeMerged).Sha);
        Assert.Equal(new RepositoryRef("azuredevops", "contoso/Web", "checkout"), read.Events[0].Repository);
        Assert.Equal(T0.AddHours(5), read.HighWatermark);

        // 1 repository + 3 pull request lists + commits, threads and work items of the one pull request + 1 work item batch
        // + 1 page of pushes (only the completion's: no direct change).
        Assert.Equal(9, read.Usage.Requests);
        Assert.Equal(9, ado.RequestCount);
    }

    [Fact]
    public async Task Votes_named_through_the_threads_identities_and_every_draft_flag_shape_read_like_the_classic_ones()
    {
        var model = new SimulatedAzureDevOps();
        var checkout = model.AddProject("Web").AddRepository("checkout");
        checkout.OpenPullRequest(Alice, T0, draft: true).Commit(T0.AddHours(-1))
            .Publish(T0.AddMinutes(30), SimulatedAdoDraftFlagShape.JsonBoolean)
            .ConvertToDraft(T0.AddMinutes(40), SimulatedAdoDraftFlagShape.Missing)
            .Publish(T0.AddMinutes(50), SimulatedAdoDraftFlagShape.Missing)
            .Vote(Bob, -5, T0.AddHours(1), SimulatedAdoVoterShape.IdentityRef)
            .Vote(Alice, 10, T0.AddHours(2), SimulatedAdoVoterShape.IdentityRef)
            .Vote(Bob, 10, T0.AddHours(3), SimulatedAdoVoterShape.TfId)
            .Complete(T0.AddHours(4));
        checkout.OpenPullRequest(Carol, T0, draft: true).Commit(T0.AddHours(-1))
            .Publish(T0.AddMinutes(20), SimulatedAdoDraftFlagShape.Missing)
            .Complete(T0.AddHours(1));
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:ReadBuilds"] = "false" });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        List<(FlowEventKind, TimeSpan)> Toggles(string id) => read.Events
            .Where(e => e.SubjectId == id && e.Kind is FlowEventKind.ReadyForReview or FlowEventKind.ConvertedToDraft)
            .OrderBy(e => e.OccurredAt).Select(e => (e.Kind, e.OccurredAt - T0)).ToList();
        Assert.Equal(
            [(FlowEventKind.ReadyForReview, TimeSpan.FromMinutes(30)), (FlowEventKind.ConvertedToDraft, TimeSpan.FromMinutes(40)), (FlowEventKind.ReadyForReview, TimeSpan.FromMinutes(50))],
            Toggles("1"));
        Assert.Equal([(FlowEventKind.ReadyForReview, TimeSpan.FromMinutes(20))], Toggles("2"));
        Assert.All(read.Events.Where(e => e.Kind == FlowEventKind.ChangeOpened), e => Assert.True(e.IsDraft));
        Assert.Equal(
            [("bob@contoso.com", ReviewState.ChangesRequested), ("alice@contoso.com", ReviewState.Approved), ("bob@contoso.com", ReviewState.Approved)],
            read.Events.Where(e => e.Kind == FlowEventKind.ReviewSubmitted).OrderBy(e => e.OccurredAt).Select(e => (e.Actor, e.ReviewState)).ToList());
    }

    [Fact]
    public async Task A_direct_push_by_the_build_service_is_a_bot_push_of_bot_commits()
    {
        var model = new SimulatedAzureDevOps();
        var checkout = model.AddProject("Web").AddRepository("checkout");
        checkout.Push(T0); // creates the branch: no change
        var head = checkout.Push(SimulatedAdoIdentity.BuildService("contoso"), T0.AddHours(3), T0.AddHours(2));
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:ReadBuilds"] = "false" });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        // The pusher is an identity and the commit's git author carries its name: both are "… Build Service (…)".
        Assert.Equal(
            [(FlowEventKind.CommitAuthored, true), (FlowEventKind.DirectPush, true)],
            read.Events.Where(e => e.SubjectId == head).OrderBy(e => e.OccurredAt).Select(e => (e.Kind, e.ActorIsBot)));
    }

    [Fact]
    public async Task A_push_to_the_default_branch_that_no_pull_request_completed_is_a_direct_change()
    {
        var model = new SimulatedAzureDevOps();
        var checkout = model.AddProject("Web").AddRepository("checkout");
        var merge = checkout.OpenPullRequest(Alice, T0).Commit(T0.AddHours(-1)).Vote(Bob, 10, T0.AddHours(1)).Complete(T0.AddHours(2));
        var head = checkout.Push(Carol, T0.AddHours(3), T0.AddHours(1), T0.AddHours(2.5));
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:ReadBuilds"] = "false" });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        var direct = read.Events.Where(e => e.SubjectId == head).OrderBy(e => e.OccurredAt).ToList();
        Assert.Equal(
            [(FlowEventKind.CommitAuthored, TimeSpan.FromHours(1)), (FlowEventKind.CommitAuthored, TimeSpan.FromHours(2.5)), (FlowEventKind.DirectPush, TimeSpan.FromHours(3))],
            direct.Select(e => (e.Kind, e.OccurredAt - T0)));
        var push = direct[^1];
        Assert.Equal((head, "carol@contoso.com", false, "main"), (push.Sha, push.Actor, push.ActorIsBot, push.TargetBranch));
        Assert.Equal($"{ado.Url}Web/_git/checkout/commit/{head}", push.Url);
        Assert.DoesNotContain(read.Events, e => e.Kind == FlowEventKind.DirectPush && e.Sha == merge); // the completion's push
        Assert.Equal(T0.AddHours(3), read.HighWatermark);
        Assert.Equal(1, ado.Requests.Count(r => r.Path.EndsWith("/pushes", StringComparison.Ordinal)));
        Assert.Equal(1, ado.Requests.Count(r => r.Path.Contains("/pushes/", StringComparison.Ordinal))); // the direct push's commits only
    }

    [Fact]
    public async Task A_multi_stage_pipeline_waits_for_its_approval_in_a_checkpoint_and_deploys_through_environments()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        var checkout = web.AddRepository("checkout");
        var sha = ReviewRounds(checkout).MergeCommitSha!;
        var run = MultiStageRun(web, checkout, sha, T0.AddHours(5).AddMinutes(1));
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        var id = run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var runEvents = read.Events.Where(e => e.SubjectId == id && e.Stage is null).OrderBy(e => e.OccurredAt).ToList();
        Assert.Equal(
            [(FlowEventKind.RunQueued, 301.0, (string?)null), (FlowEventKind.RunStarted, 304.0, null), (FlowEventKind.RunFinished, 439.0 + (2.0 / 60), "success")],
            runEvents.Select(e => (e.Kind, (e.OccurredAt - T0).TotalMinutes, e.Result)));
        Assert.All(runEvents, e => Assert.Equal(("checkout-cd", sha, 1), (e.Pipeline, e.Sha, e.Attempt)));

        TimeSpan Span(string label) =>
            read.Events.Single(e => e.Kind == FlowEventKind.StageFinished && e.SubjectId == id && e.Stage == label).OccurredAt
            - read.Events.Single(e => e.Kind == FlowEventKind.StageStarted && e.SubjectId == id && e.Stage == label).OccurredAt;
        Assert.Equal(TimeSpan.FromHours(2), Span("Deploy_production/approval"));
        Assert.Equal(TimeSpan.FromMinutes(6) - TimeSpan.FromSeconds(5), Span("Deploy_production/job/Deploy"));
        Assert.Equal(TimeSpan.FromMinutes(126), Span("Deploy_production"));
        Assert.Equal(TimeSpan.FromMinutes(5), Span("Build"));

        var deployments = read.Events.Where(e => e.Kind is FlowEventKind.DeploymentQueued or FlowEventKind.DeploymentStarted or FlowEventKind.DeploymentFinished or FlowEventKind.DeploymentIncludes)
            .OrderBy(e => e.Environment).ThenBy(e => e.Kind)
            .Select(e => (e.Environment, e.Kind, Math.Round((e.OccurredAt - T0).TotalMinutes, 2), e.Result, e.Sha))
            .ToList();
        Assert.Equal(
            [
                ("production", FlowEventKind.DeploymentQueued, 313.0, (string?)null, sha),
                ("production", FlowEventKind.DeploymentStarted, Math.Round(433 + (5.0 / 60), 2), null, sha),
                ("production", FlowEventKind.DeploymentFinished, 439.0, "success", sha),
                ("production", FlowEventKind.DeploymentIncludes, 313.0, null, sha),
                ("staging", FlowEventKind.DeploymentQueued, 309.0, null, sha),
                ("staging", FlowEventKind.DeploymentStarted, Math.Round(309 + (20.0 / 60), 2), null, sha),
                ("staging", FlowEventKind.DeploymentFinished, 313.0, "success", sha),
                ("staging", FlowEventKind.DeploymentIncludes, 309.0, null, sha),
            ],
            deployments);
        Assert.Equal(T0.AddHours(7).AddMinutes(19).AddSeconds(2), read.HighWatermark);
    }

    [Fact]
    public async Task A_skipped_production_stage_is_no_deployment_and_staging_gets_the_changes_since_the_previous_run()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        var checkout = web.AddRepository("checkout");
        var first = ReviewRounds(checkout).MergeCommitSha!;
        MultiStageRun(web, checkout, first, T0.AddHours(5).AddMinutes(1));
        var direct = checkout.Push(T0.AddHours(7));
        var second = checkout.OpenPullRequest(Carol, T0.AddHours(6)).Commit(T0.AddHours(6)).Vote(Bob, 10, T0.AddHours(7).AddMinutes(30)).Complete(T0.AddHours(8));
        var skipped = MultiStageRun(web, checkout, second, T0.AddHours(8).AddMinutes(1), skipProduction: true);
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        var skippedDeployments = read.Events.Where(e => e.Kind == FlowEventKind.DeploymentFinished && e.Url!.EndsWith($"buildId={skipped.Id}", StringComparison.Ordinal)).ToList();
        Assert.Equal("staging", Assert.Single(skippedDeployments).Environment);
        var stagingOfSecond = skippedDeployments[0].SubjectId;
        // The direct push landed between the two runs: it travels with the second one.
        Assert.Equal(
            new[] { direct, second }.Order(StringComparer.Ordinal),
            read.Events.Where(e => e.Kind == FlowEventKind.DeploymentIncludes && e.SubjectId == stagingOfSecond).Select(e => e.Sha!).Order(StringComparer.Ordinal));
        Assert.All(read.Events.Where(e => e.SubjectId == stagingOfSecond), e => Assert.Equal(DeploymentComparison.Ahead, e.Comparison));
        Assert.DoesNotContain(read.Events, e => e.SubjectId == $"{skipped.Id}/Deploy_production");
        Assert.Equal(2, read.Events.Count(e => e.Kind == FlowEventKind.DeploymentFinished && e.Environment == "staging"));
        Assert.Single(read.Events, e => e.Kind == FlowEventKind.DeploymentFinished && e.Environment == "production");
    }

    [Fact]
    public async Task A_run_waiting_for_its_approval_is_picked_up_by_the_poll_after_it_finished()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        var checkout = web.AddRepository("checkout");
        var sha = ReviewRounds(checkout).MergeCommitSha!;
        var queued = T0.AddHours(5).AddMinutes(1);
        var run = web.QueueBuild(checkout, "checkout-cd", sha, queued).Start(queued.AddMinutes(1))
            .Stage("Build", queued.AddMinutes(1), queued.AddMinutes(5))
            .Stage("Deploy_production", queued.AddMinutes(5), null, approval: (queued.AddMinutes(5), null, ""));
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var first = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        Assert.Contains(first.Events, e => e.Kind == FlowEventKind.StageStarted && e.SubjectId == $"{run.Id}" && e.Stage == "Deploy_production/approval" && e.StageKind == StageKind.Wait);
        Assert.DoesNotContain(first.Events, e => e.Kind == FlowEventKind.RunFinished);
        Assert.DoesNotContain(first.Events, e => e.Kind.ToString().StartsWith("Deployment", StringComparison.Ordinal));
        Assert.Equal(T0.AddHours(5), first.HighWatermark); // the running build does not move it

        // Approved next morning; the job deploys and the run finishes.
        var approved = queued.AddHours(20);
        run.Stage("Deploy_production", queued.AddMinutes(5), approved.AddMinutes(4), approval: (queued.AddMinutes(5), approved, "succeeded"), attempt: 1)
            .Deploy(web.Environment("production"), "Deploy_production", queued.AddMinutes(5), approved.AddSeconds(5), approved.AddMinutes(4))
            .Finish(approved.AddMinutes(5));
        var second = await host.ReadAsync("Web/checkout", first.HighWatermark!.Value.AddHours(-1));

        var finished = Assert.Single(second.Events, e => e.Kind == FlowEventKind.DeploymentFinished);
        Assert.Equal(("production", approved.AddMinutes(4), "success"), (finished.Environment, finished.OccurredAt, finished.Result));
        Assert.Equal(approved.AddMinutes(5), second.HighWatermark);
    }

    [Fact]
    public async Task Lists_are_followed_through_continuation_tokens_and_skip_pages()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        var checkout = web.AddRepository("checkout");
        for (var i = 0; i < 5; i++)
        {
            var at = T0.AddHours(i);
            var pr = checkout.OpenPullRequest(Alice, at).Commit(at.AddMinutes(-3)).Commit(at.AddMinutes(-2)).Commit(at.AddMinutes(-1)).Vote(Bob, 10, at.AddMinutes(20));
            var sha = pr.Complete(at.AddMinutes(30));
            web.QueueBuild(checkout, "checkout-ci", sha, at.AddMinutes(31)).Start(at.AddMinutes(32)).Stage("Build", at.AddMinutes(32), at.AddMinutes(40)).Finish(at.AddMinutes(40));
        }

        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:PageSize"] = "2" });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        Assert.Equal(5, read.Events.Count(e => e.Kind == FlowEventKind.ChangeMerged));
        Assert.Equal(5, read.Events.Count(e => e.Kind == FlowEventKind.RunFinished));
        Assert.Equal(15, read.Events.Count(e => e.Kind == FlowEventKind.CommitAuthored));

        var builds = ado.Requests.Where(r => r.Path == "/Web/_apis/build/builds" && r.Query.Contains("statusFilter=completed", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, builds.Count);
        Assert.DoesNotContain("continuationToken", builds[0].Query, StringComparison.Ordinal);
        Assert.All(builds.Skip(1), r => Assert.Contains("continuationToken=", r.Query, StringComparison.Ordinal));
        Assert.All(builds, r => Assert.Contains("api-version=7.1", r.Query, StringComparison.Ordinal));

        // $top/$skip for pull requests: 2 + 2 + 1 completed, then one (empty) page each for abandoned and active.
        var completed = ado.Requests.Where(r => r.Path == "/Web/_apis/git/repositories/checkout/pullrequests" && r.Query.Contains("status=completed", StringComparison.Ordinal)).Select(r => r.Query).ToList();
        Assert.Equal(3, completed.Count);
        Assert.Contains("%24skip=4", completed[2], StringComparison.Ordinal);

        // Each pull request's 3 commits: 2 pages of 2 and 1.
        Assert.Equal(10, ado.RequestsTo("/Web/_apis/git/repositories/checkout/pullrequests/*/commits"));
    }

    [Fact]
    public async Task An_Azure_DevOps_Server_collection_is_read_under_its_base_path()
    {
        var model = new SimulatedAzureDevOps("DefaultCollection");
        var web = model.AddProject("Web");
        var checkout = web.AddRepository("checkout", defaultBranch: "develop");
        var sha = ReviewRounds(checkout).MergeCommitSha!;
        MultiStageRun(web, checkout, sha, T0.AddHours(5).AddMinutes(1));
        using var ado = new AzureDevOpsSimulator(model, new AzureDevOpsSimulatorOptions { PathPrefix = "/tfs/DefaultCollection" });
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:OrganizationUrl"] = ado.Url.TrimEnd('/'), // without the slash, as people paste it
        });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1), organization: "DefaultCollection");
        var check = await host.Source.CheckAsync(AzureDevOpsSourceHost.Repo("Web/checkout", "DefaultCollection"), TestContext.Current.CancellationToken);

        Assert.Equal(AzureDevOpsSourceHost.Repo("Web/checkout", "DefaultCollection"), Assert.Single(host.Source.ConfiguredRepositories));
        Assert.Contains(read.Events, e => e.Kind == FlowEventKind.ChangeMerged && e.TargetBranch == "develop");
        Assert.Contains(read.Events, e => e.Kind == FlowEventKind.DeploymentFinished && e.Environment == "production");
        // Everything under the collection: the project's APIs, and the organisation-wide work-item link query.
        Assert.All(ado.Requests, r => Assert.Matches("^/tfs/DefaultCollection/(Web/)?_apis/", r.RawPath));
        Assert.Equal(1, ado.RequestsTo("/_apis/wit/artifacturiquery"));
        Assert.All(ado.Requests, r => Assert.Equal(200, r.StatusCode));
        Assert.Equal((true, "default branch develop"), (check.Ok, check.Message));
    }

    [Fact]
    public async Task Stage_names_map_deployments_for_runs_without_environments()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        var checkout = web.AddRepository("checkout");
        var sha = checkout.Push(T0);
        var run = web.QueueBuild(checkout, "legacy", sha, T0.AddMinutes(1)).Start(T0.AddMinutes(2))
            .Stage("Build", T0.AddMinutes(2), T0.AddMinutes(6))
            .Stage("Deploy_Prod_EU", T0.AddMinutes(6), T0.AddMinutes(50), approval: (T0.AddMinutes(6), T0.AddMinutes(40), "succeeded"))
            .Stage("Deploy_Prod_US", T0.AddMinutes(50), null, "skipped")
            .Finish(T0.AddMinutes(51));
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:StageEnvironments:Deploy_Prod*"] = "production" });

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        var deployment = read.Events.Where(e => e.Kind.ToString().StartsWith("Deployment", StringComparison.Ordinal))
            .Select(e => (e.SubjectId, e.Kind, (e.OccurredAt - T0).TotalMinutes, e.Environment, e.Sha)).ToList();
        var id = $"{run.Id}/Deploy_Prod_EU/1";
        Assert.Equal(
            [
                (id, FlowEventKind.DeploymentQueued, 6.0, "production", sha),
                (id, FlowEventKind.DeploymentStarted, 40 + (5.0 / 60), "production", sha),
                (id, FlowEventKind.DeploymentFinished, 50.0, "production", sha),
                (id, FlowEventKind.DeploymentIncludes, 6.0, "production", sha),
            ],
            deployment);
    }

    [Fact]
    public async Task Entra_ID_tokens_are_sent_as_bearer_for_the_Azure_DevOps_scope()
    {
        var model = new SimulatedAzureDevOps();
        ReviewRounds(model.AddProject("Web").AddRepository("checkout"));
        using var ado = new AzureDevOpsSimulator(model, new AzureDevOpsSimulatorOptions { BearerToken = "entra-access-token" });
        var credential = new FakeCredential("entra-access-token");
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:Authentication"] = "EntraId",
            ["Sources:AzureDevOps:Pat"] = "",
            ["Sources:AzureDevOps:EntraId:Credential"] = "WorkloadIdentity",
        }, credential: credential);

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        Assert.Contains(read.Events, e => e.Kind == FlowEventKind.ChangeMerged);
        Assert.All(ado.Requests, r => Assert.Equal(("Bearer", 200), (r.AuthorizationScheme, r.StatusCode)));
        Assert.Equal(["499b84ac-1321-427f-aa17-267ca6975798/.default"], credential.Scopes.Distinct());
        Assert.Equal(1, credential.Calls); // cached until shortly before it expires
    }

    [Fact]
    public async Task Active_pull_requests_are_re_read_every_poll_but_do_not_move_the_watermark()
    {
        var model = new SimulatedAzureDevOps();
        var checkout = model.AddProject("Web").AddRepository("checkout");
        var pr = checkout.OpenPullRequest(Alice, T0).Commit(T0.AddMinutes(-5)).AddReviewer(Bob, T0.AddMinutes(1));
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var first = await host.ReadAsync("Web/checkout", T0.AddDays(-1));
        pr.Vote(Bob, 10, T0.AddHours(1));
        var second = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        Assert.Null(first.HighWatermark);
        Assert.Null(second.HighWatermark);
        Assert.DoesNotContain(first.Events, e => e.Kind == FlowEventKind.ReviewSubmitted);
        Assert.Equal(ReviewState.Approved, Assert.Single(second.Events, e => e.Kind == FlowEventKind.ReviewSubmitted).ReviewState);
    }
}
