using System.Globalization;
using FlowCollector.Domain.Events;

namespace FlowCollector.Bench.Engine;

/// <summary>
/// A deterministic, realistic stream of normalised events, generated before anything is timed. Each change has 1–5
/// commits, is opened (a fifth as drafts, later marked ready), gets 0–4 reviews or review comments by humans and bots
/// (now and then by its author), and is merged (85 %) or closed; a merged change has 1–3 attempts of a CI run on its
/// merge SHA (queued, started, finished; earlier attempts failed). That is about 11 events per change. Changes are
/// spread round robin over the repositories. Each repository's events come change by change, each change's runs after
/// it, as a source read returns them (the GitHub source maps one pull request after the other);
/// <see cref="TimeOrdered"/> gives the same events in time order (changes interleaved) for comparison.
/// </summary>
internal sealed class SyntheticFlowStream
{
    private static readonly DateTimeOffset Epoch = new(2025, 1, 6, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Humans = [.. Enumerable.Range(1, 60).Select(i => "dev" + i.ToString("D2", CultureInfo.InvariantCulture))];

    // Bots as their sources flag them (a [bot] login, an account of type Bot, a configured login): the engine trusts the flag alone.
    private static readonly (string Login, bool Flagged)[] Bots = [("dependabot[bot]", true), ("sonarqubecloud[bot]", true), ("copilot-reviewer", true)];

    public required IReadOnlyList<RepositoryRef> Repositories { get; init; }

    /// <summary>The events of each repository (same index as <see cref="Repositories"/>), change by change.</summary>
    public required IReadOnlyList<FlowEvent[]> EventsByRepository { get; init; }

    public int EventCount => EventsByRepository.Sum(e => e.Length);

    public required int ChangeCount { get; init; }

    public required int MergedCount { get; init; }

    public required int RunAttemptCount { get; init; }

    public static SyntheticFlowStream Generate(int events, int repositories, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(events, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repositories, 1);
        var refs = Enumerable.Range(0, repositories)
            .Select(i => new RepositoryRef("github", "org" + (i % 10).ToString(CultureInfo.InvariantCulture), "service-" + i.ToString("D4", CultureInfo.InvariantCulture)))
            .ToArray();
        var perRepository = refs.Select(_ => new List<FlowEvent>((events / repositories) + 32)).ToArray();
        var clocks = refs.Select(_ => Epoch).ToArray();
        var numbers = new int[repositories];
        var runIds = new int[repositories];
        var generator = new Generator(seed);

        var total = 0;
        for (var c = 0; total < events; c++)
        {
            var r = c % repositories;
            clocks[r] = clocks[r].AddMinutes(generator.Between(10, 360));
            var change = generator.Change(refs[r], ++numbers[r], clocks[r], ref runIds[r]);

            // The last change is cut at the requested count, so every size is exact; its tail events are simply missing.
            var take = Math.Min(change.Count, events - total);
            perRepository[r].AddRange(change.Take(take));
            total += take;
        }

        return new SyntheticFlowStream
        {
            Repositories = refs,
            EventsByRepository = [.. perRepository.Select(list => list.ToArray())],
            ChangeCount = generator.ChangeCount,
            MergedCount = generator.MergedCount,
            RunAttemptCount = generator.RunAttemptCount,
        };
    }

    /// <summary>The same event objects, each repository's in time order (stable for equal times).</summary>
    public IReadOnlyList<FlowEvent[]> TimeOrdered() =>
        [.. EventsByRepository.Select(events => events.OrderBy(e => e.OccurredAt).ToArray())];

    private static FlowEvent Event(FlowEventKind kind, RepositoryRef repository, string subject, DateTimeOffset at) =>
        new() { Kind = kind, Repository = repository, SubjectId = subject, OccurredAt = at };

    /// <summary>The seeded choices; one instance per stream, so a size's stream is the same on every run.</summary>
    private sealed class Generator
    {
        private readonly Random random;
        private readonly List<FlowEvent> change = new(32);

        public Generator(int seed)
        {
#pragma warning disable CA5394 // Not security: a seeded generator makes the stream identical on every run.
            random = new Random(seed);
#pragma warning restore CA5394
        }

        public int ChangeCount { get; private set; }

        public int MergedCount { get; private set; }

        public int RunAttemptCount { get; private set; }

        public int Between(int min, int max) => random.Next(min, max + 1);

        public List<FlowEvent> Change(RepositoryRef repository, int number, DateTimeOffset opened, ref int runId)
        {
            change.Clear();
            ChangeCount++;
            var id = number.ToString(CultureInfo.InvariantCulture);
            var author = Humans[random.Next(Humans.Length)];
            var url = $"https://github.com/{repository.Owner}/{repository.Name}/pull/{id}";

            var commits = Between(1, 5);
            var firstCommit = opened.AddMinutes(-Between(5, 2 * 24 * 60));
            for (var i = 0; i < commits; i++)
            {
                var authored = i == 0 ? firstCommit : firstCommit + ((opened - firstCommit) * i / commits);
                change.Add(Event(FlowEventKind.CommitAuthored, repository, id, authored) with { Actor = author, Sha = Sha() });
            }

            var draft = random.NextDouble() < 0.2;
            change.Add(Event(FlowEventKind.ChangeOpened, repository, id, opened) with { Actor = author, IsDraft = draft, Url = url, TargetBranch = "main" });
            var ready = opened;
            if (draft)
            {
                ready = opened.AddMinutes(Between(30, 24 * 60));
                change.Add(Event(FlowEventKind.ReadyForReview, repository, id, ready) with { Actor = author });
            }

            var at = ready;
            var reviews = Between(0, 4);
            for (var i = 0; i < reviews; i++)
            {
                at = at.AddMinutes(Between(5, 8 * 60));
                change.Add(Review(repository, id, author, at, last: i == reviews - 1));
            }

            if (random.NextDouble() < 0.85)
            {
                MergedCount++;
                var merged = at.AddMinutes(Between(2, 12 * 60));
                var mergeSha = Sha();
                change.Add(Event(FlowEventKind.ChangeMerged, repository, id, merged) with { Actor = author, Sha = mergeSha, TargetBranch = "main" });
                AddRun(repository, (++runId).ToString(CultureInfo.InvariantCulture), mergeSha, merged);
            }
            else
            {
                change.Add(Event(FlowEventKind.ChangeClosed, repository, id, at.AddMinutes(Between(10, 3 * 24 * 60))) with { Actor = author });
            }

            return change;
        }

        private FlowEvent Review(RepositoryRef repository, string id, string author, DateTimeOffset at, bool last)
        {
            var roll = random.NextDouble();
            var (reviewer, isBot) = roll switch
            {
                < 0.2 => Bots[random.Next(Bots.Length)],
                < 0.25 => (author, false), // the author answering in the review thread
                _ => (Humans[random.Next(Humans.Length)], false),
            };
            if (random.NextDouble() < 0.3)
            {
                return Event(FlowEventKind.ReviewCommented, repository, id, at) with { Actor = reviewer, ActorIsBot = isBot };
            }

            // The last review of a change is most often the approval that lets it merge.
            var state = (last ? random.NextDouble() * 0.5 : random.NextDouble()) switch
            {
                < 0.4 => ReviewState.Approved,
                < 0.7 => ReviewState.Commented,
                _ => ReviewState.ChangesRequested,
            };
            return Event(FlowEventKind.ReviewSubmitted, repository, id, at) with { Actor = reviewer, ActorIsBot = isBot, ReviewState = state };
        }

        /// <summary>1–3 attempts of one run on the merge SHA (60/25/15 %); every attempt but the last failed, the last succeeds 95 % of the time.</summary>
        private void AddRun(RepositoryRef repository, string runId, string sha, DateTimeOffset merged)
        {
            var roll = random.NextDouble();
            var attempts = roll < 0.6 ? 1 : roll < 0.85 ? 2 : 3;
            var cursor = merged;
            for (var attempt = 1; attempt <= attempts; attempt++)
            {
                RunAttemptCount++;
                var queued = cursor.AddSeconds(Between(2, 120));
                var started = queued.AddSeconds(Between(5, 300));
                var finished = started.AddSeconds(Between(180, 1_200));
                var result = attempt < attempts || random.NextDouble() < 0.05 ? "failure" : "success";
                var run = Event(FlowEventKind.RunQueued, repository, runId, queued) with
                {
                    Attempt = attempt,
                    Pipeline = "ci",
                    Sha = sha,
                    Url = $"https://github.com/{repository.Owner}/{repository.Name}/actions/runs/{runId}/attempts/{attempt.ToString(CultureInfo.InvariantCulture)}",
                };
                change.Add(run);
                change.Add(run with { Kind = FlowEventKind.RunStarted, OccurredAt = started });
                change.Add(run with { Kind = FlowEventKind.RunFinished, OccurredAt = finished, Result = result });
                cursor = finished;
            }
        }

        private string Sha()
        {
            Span<byte> bytes = stackalloc byte[20];
            random.NextBytes(bytes);
            return Convert.ToHexStringLower(bytes);
        }
    }
}
