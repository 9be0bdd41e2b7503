using System.Globalization;
using WireMock;

namespace FlowCollector.Testing.Simulation;

/// <summary>
/// Owner-level repository lists: <c>GET /orgs/{org}/repos</c> (<c>type=all|public|private|forks|sources|member</c>) for
/// owners with at least one repository not marked <see cref="SimulatedRepository.OwnerIsUser"/>, and
/// <c>GET /users/{login}/repos</c> (<c>type=owner|all|member</c>) for user accounts; an unknown owner gets 404 from each,
/// as on GitHub. Items have GitHub's minimal-repository shape (<c>archived</c>, <c>fork</c>, <c>disabled</c>,
/// <c>topics</c>, …), sorted by full name, 30 per page by default (at most 100), with <c>Link</c> headers that point
/// at <c>/organizations/{id}/repos</c> or <c>/user/{id}/repos</c> as GitHub's do (or repeat the path when
/// <see cref="GitHubSimulatorOptions.PageLinksUseRepositoryId"/> is false). 304 for a matching <c>If-None-Match</c>.
/// </summary>
public sealed partial class GitHubSimulator
{
    /// <summary>The numeric id GitHub gives an owner (organisation or user), used in its page links.</summary>
    public static long OwnerId(string owner)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return SimulatedIds.StableNumber("owner:" + owner.ToUpperInvariant());
    }

    /// <summary>The answer to an owner-level list, or null when <paramref name="rawPath"/> is no such list.</summary>
    private Reply? AnswerOwnerListing(IRequestMessage request, string rawPath, Query query)
    {
        if (!rawPath.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var segments = rawPath[prefix.Length..].Trim('/').Split('/');
        var (isUser, owner) = segments switch
        {
            ["orgs", var org, "repos"] => (false, org),
            ["users", var login, "repos"] => (true, login),
            ["organizations", var id, "repos"] => (false, OwnerById(id)),
            ["user", var id, "repos"] => (true, OwnerById(id)),
            _ => (false, null),
        };
        if (owner is null || segments.Length != 3)
        {
            return null;
        }

        var owned = Model.Repositories.Where(r => string.Equals(r.Owner, owner, StringComparison.OrdinalIgnoreCase)).ToList();
        if (!string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase) || owned.Count == 0 || owned.TrueForAll(r => r.OwnerIsUser) != isUser)
        {
            Spend();
            return Reply.Error(404, "Not Found");
        }

        var type = query.Get("type") ?? (isUser ? "owner" : "all");
        var listed = owned
            .Where(r => type switch
            {
                "public" => !r.IsPrivate,
                "private" => r.IsPrivate,
                "forks" => r.IsFork,
                "sources" => !r.IsFork,
                "member" => false, // the simulated token is no member of anything it does not own
                _ => true,
            })
            .OrderBy(r => r.FullName, StringComparer.OrdinalIgnoreCase)
            .ToList();

        var perPage = Math.Clamp(query.Int("per_page") ?? 30, 1, 100);
        var page = Math.Max(1, query.Int("page") ?? 1);
        var last = Math.Max(1, (listed.Count + perPage - 1) / perPage);
        var body = GitHubPayloads.Json(w =>
        {
            w.WriteStartArray();
            foreach (var repository in listed.Skip((page - 1) * perPage).Take(perPage))
            {
                payloads.Repository(w, repository, full: false);
            }

            w.WriteEndArray();
        });

        var reply = Reply.Ok(body);
        var linkPath = options.PageLinksUseRepositoryId
            ? $"{prefix}/{(isUser ? "user" : "organizations")}/{OwnerId(owner).ToString(CultureInfo.InvariantCulture)}/repos"
            : rawPath;
        AddPageLinks(reply, page, last, (number, rel) => OwnerLink(linkPath, query, number, rel));

        if (Header(request, "If-None-Match") is { } etag && etag == reply.ETag)
        {
            // GitHub: a 304 to an authorised conditional request costs no primary budget.
            var notModified = new Reply(304, null, reply.Headers);
            notModified.Headers["ETag"] = etag;
            return notModified;
        }

        Spend();
        return reply;
    }

    private string? OwnerById(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? Model.Organisations.FirstOrDefault(o => OwnerId(o) == number)
            : null;

    private string OwnerLink(string path, Query query, int page, string rel)
    {
        var pageParameter = "page=" + page.ToString(CultureInfo.InvariantCulture);
        var parts = query.Raw.Split('&', StringSplitOptions.RemoveEmptyEntries).ToList();
        var index = parts.FindIndex(p => p.StartsWith("page=", StringComparison.Ordinal));
        if (index >= 0)
        {
            parts[index] = pageParameter;
        }
        else
        {
            parts.Add(pageParameter);
        }

        return $"<{root}{path}?{string.Join('&', parts)}>; rel=\"{rel}\"";
    }
}
