using System.Security.Cryptography;
using System.Text;

namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>
/// The state an <see cref="AzureDevOpsSimulator"/> serves: one organisation (or Azure DevOps Server collection) →
/// projects → Git repositories (pull requests, trunk), pipelines runs (builds with timelines) and environments
/// (deployment records). Build it by hand (<see cref="AddProject"/> and the fluent methods of the parts) or with
/// <see cref="Generate"/>. The model may change while a simulator serves it; every change and request takes <see cref="Gate"/>.
/// </summary>
public sealed class SimulatedAzureDevOps
{
    private readonly List<SimulatedAdoProject> projects = [];
    private int nextPullRequestId;
    private int nextBuildId = 100;
    private long nextRecordId = 5000;
    private int nextEnvironmentId;
    private int nextThreadId = 1;

    public SimulatedAzureDevOps(string organization = "contoso")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organization);
        Organization = organization;
    }

    /// <summary>The organisation (or collection) name, e.g. <c>contoso</c> or <c>DefaultCollection</c>.</summary>
    public string Organization { get; }

    /// <summary>The identity Azure DevOps writes system threads and comments as.</summary>
    public static SimulatedAdoIdentity ServiceAccounts { get; } = new("[DefaultCollection]\\Project Collection Service Accounts", null, IsContainer: true);

    public IReadOnlyList<SimulatedAdoProject> Projects
    {
        get
        {
            lock (Gate)
            {
                return [.. projects];
            }
        }
    }

    /// <summary>All pull requests of all repositories.</summary>
    public int PullRequestCount => Projects.SelectMany(p => p.Repositories).Sum(r => r.PullRequests.Count);

    /// <summary>All builds of all projects.</summary>
    public int BuildCount => Projects.Sum(p => p.Builds.Count);

    internal Lock Gate { get; } = new();

    /// <summary>
    /// Generates a realistic, deterministic organisation: for the same arguments the same projects, repositories,
    /// people, pull requests (drafts, several review rounds with votes, rejections, self-votes, bot comments, linked
    /// work items, abandoned and still-active ones), and for every completed pull request a multi-stage YAML run
    /// (Build → Deploy_staging → approval → Deploy_production) deploying to the project's <c>staging</c> and
    /// <c>production</c> environments (failed builds, rejected approvals, skipped and cancelled production stages).
    /// </summary>
    public static SimulatedAzureDevOps Generate(int seed, int projects, int reposPerProject, int prsPerRepo, DateTimeOffset start, AzureDevOpsGenerationOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(projects);
        ArgumentOutOfRangeException.ThrowIfNegative(reposPerProject);
        ArgumentOutOfRangeException.ThrowIfNegative(prsPerRepo);
        options ??= new AzureDevOpsGenerationOptions();
        var model = new SimulatedAzureDevOps(options.Organization);
        new SimulatedAzureDevOpsGenerator(model, seed, options).Generate(projects, reposPerProject, prsPerRepo, start);
        return model;
    }

    public SimulatedAdoProject AddProject(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (Gate)
        {
            if (FindProject(name) is not null)
            {
                throw new ArgumentException($"Project {name} exists already.", nameof(name));
            }

            var project = new SimulatedAdoProject(this, name);
            projects.Add(project);
            return project;
        }
    }

    /// <summary>The project <paramref name="name"/> (case-insensitive); throws when absent.</summary>
    public SimulatedAdoProject Project(string name) =>
        FindProject(name) ?? throw new KeyNotFoundException($"No simulated project {name}.");

    /// <summary>A project by name or id, as Azure DevOps resolves it (case-insensitive).</summary>
    public SimulatedAdoProject? FindProject(string nameOrId)
    {
        lock (Gate)
        {
            return projects.FirstOrDefault(p =>
                string.Equals(p.Name, nameOrId, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Id, nameOrId, StringComparison.OrdinalIgnoreCase));
        }
    }

    internal int NextPullRequestId() => ++nextPullRequestId;

    internal int NextBuildId() => ++nextBuildId;

    internal long NextRecordId() => ++nextRecordId;

    internal int NextEnvironmentId() => ++nextEnvironmentId;

    internal int NextThreadId() => ++nextThreadId;

    /// <summary>A GUID derived from <paramref name="seed"/>, so the same model always serves the same ids.</summary>
    internal static string Guid(string seed)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(seed)).AsSpan(0, 16).ToArray();
        return new Guid(bytes).ToString();
    }

    /// <summary>A 40-hex-digit commit SHA derived from <paramref name="seed"/>.</summary>
    internal static string Sha(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("sha:" + seed)).AsSpan(0, 20));

    /// <summary>Azure DevOps serves times with fractions; the model keeps milliseconds in UTC.</summary>
    internal static DateTimeOffset Ms(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}

/// <summary>
/// A person or service identity. <see cref="UniqueName"/> is the sign-in name (usually an e-mail address); the
/// identity id is derived from it.
/// </summary>
public sealed record SimulatedAdoIdentity(string DisplayName, string? UniqueName, bool IsContainer = false)
{
    /// <summary>A person whose display name is derived from the e-mail's local part (<c>alice@contoso.com</c> → <c>Alice</c>).</summary>
    public static SimulatedAdoIdentity Person(string uniqueName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uniqueName);
        var local = uniqueName.Split('@')[0];
        return new SimulatedAdoIdentity(char.ToUpperInvariant(local[0]) + local[1..], uniqueName);
    }

    /// <summary>The pipeline identity of an organisation (comments from pipelines carry it).</summary>
    public static SimulatedAdoIdentity BuildService(string organization) =>
        new($"Project Collection Build Service ({organization})", $"Build\\{SimulatedAzureDevOps.Guid("build-service:" + organization)}");

    public string Id => SimulatedAzureDevOps.Guid("identity:" + (UniqueName ?? DisplayName).ToUpperInvariant());
}
