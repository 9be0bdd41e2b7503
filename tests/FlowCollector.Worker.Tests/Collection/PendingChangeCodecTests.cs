using FlowCollector.Domain.Events;
using FlowCollector.Worker.Collection;

namespace FlowCollector.Worker.Tests.Collection;

public sealed class PendingChangeCodecTests
{
    [Fact]
    public void Events_round_trip_with_every_property_and_enums_by_name()
    {
        var repository = new RepositoryRef("github", "contoso", "web");
        FlowEvent[] events =
        [
            // CommitAuthored is the enum's default value: it must still be written, or the payload cannot be read back.
            new() { Kind = FlowEventKind.CommitAuthored, Repository = repository, SubjectId = "42", OccurredAt = new DateTimeOffset(2025, 3, 3, 8, 0, 0, TimeSpan.Zero), Sha = "c1" },
            new() { Kind = FlowEventKind.ReviewSubmitted, Repository = repository, SubjectId = "42", OccurredAt = new DateTimeOffset(2025, 3, 3, 9, 0, 0, TimeSpan.Zero), Actor = "bob", ActorIsBot = true, ReviewState = ReviewState.Approved, Url = "https://github.com/contoso/web/pull/42" },
            new() { Kind = FlowEventKind.DeploymentFinished, Repository = repository, SubjectId = "d1", OccurredAt = new DateTimeOffset(2025, 3, 3, 10, 0, 0, TimeSpan.Zero), Sha = "m42", Environment = "production", Result = "success", Attempt = 2, Comparison = DeploymentComparison.Behind },

            // What tells CI from deployment runs must survive between runs (issue 14).
            new() { Kind = FlowEventKind.DeploymentStarted, Repository = repository, SubjectId = "7/Deploy_Staging/1", OccurredAt = new DateTimeOffset(2025, 3, 3, 10, 0, 0, TimeSpan.Zero), RunId = "7", Stage = "Deploy_Staging", Provisional = true },
            new() { Kind = FlowEventKind.StageStarted, Repository = repository, SubjectId = "7", OccurredAt = new DateTimeOffset(2025, 3, 3, 10, 0, 0, TimeSpan.Zero), Stage = "Deploy_Staging", Deploys = true },
        ];

        var payload = PendingChangeCodec.Encode(events);

        Assert.Contains("\"reviewSubmitted\"", payload, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(events, PendingChangeCodec.Decode(payload));
    }

    [Fact]
    public void An_unreadable_payload_decodes_to_nothing_so_the_change_is_re_collected()
    {
        Assert.Empty(PendingChangeCodec.Decode("{ not json"));
    }
}
