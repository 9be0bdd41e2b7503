using FlowCollector.Domain.Events;

namespace FlowCollector.Sources.AzureDevOps;

/// <summary>Addresses of one organisation or collection: the REST root, the <c>org</c> tag's name, web links.</summary>
internal sealed class AzureDevOpsEndpoints
{
    public AzureDevOpsEndpoints(Uri organizationUrl, string? organization)
    {
        var address = organizationUrl.OriginalString;

        // Without the trailing slash, relative paths would replace the last segment (…/DefaultCollection → …/tfs/{project}).
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/", UriKind.Absolute);
        Organization = string.IsNullOrWhiteSpace(organization) ? OrganizationNameOf(organizationUrl) ?? "azuredevops" : organization.Trim();
    }

    /// <summary>The organisation or collection URL, ending with '/'. Every API path is relative to it.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The organisation's name in <c>RepositoryRef.Owner</c> (<c>{Organization}/{project}</c>).</summary>
    public string Organization { get; }

    /// <summary>
    /// The name of the organisation or collection in a URL: the last path segment (<c>dev.azure.com/contoso</c>,
    /// <c>tfs/DefaultCollection</c>) or, with no path, the first host label (<c>contoso.visualstudio.com</c>).
    /// </summary>
    public static string? OrganizationNameOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            return null;
        }

        var segments = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length > 0)
        {
            return Uri.UnescapeDataString(segments[^1]);
        }

        var host = url.Host;
        return host.EndsWith(".visualstudio.com", StringComparison.OrdinalIgnoreCase) ? host.Split('.')[0] : null;
    }

    /// <summary>The Release Management root for an organisation URL (see <see cref="AzureDevOpsSourceOptions.ReleaseManagementUrl"/>).</summary>
    public static Uri ReleaseManagementOf(Uri organizationUrl)
    {
        ArgumentNullException.ThrowIfNull(organizationUrl);
        var builder = new UriBuilder(organizationUrl);
        if (string.Equals(builder.Host, "dev.azure.com", StringComparison.OrdinalIgnoreCase))
        {
            builder.Host = "vsrm.dev.azure.com";
        }
        else if (builder.Host.EndsWith(".visualstudio.com", StringComparison.OrdinalIgnoreCase) && !builder.Host.Contains(".vsrm.", StringComparison.OrdinalIgnoreCase))
        {
            builder.Host = builder.Host.Split('.')[0] + ".vsrm.visualstudio.com";
        }

        return builder.Uri;
    }

    /// <summary>The target for a configured <c>project/repository</c>.</summary>
    public RepositoryRef Repository(string project, string repository) =>
        new(AzureDevOpsEventSource.SourceName, $"{Organization}/{project}", repository);

    /// <summary>The project of a target (the part of <see cref="RepositoryRef.Owner"/> after the organisation).</summary>
    public static string ProjectOf(RepositoryRef repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var slash = repository.Owner.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? repository.Owner : repository.Owner[(slash + 1)..];
    }

    /// <summary>A path under the project, e.g. <c>{project}/_apis/git/repositories/{repo}</c>, segments escaped.</summary>
    public static string ProjectPath(string project, string rest) => $"{Uri.EscapeDataString(project)}/_apis/{rest}";

    /// <summary>The web page of a pull request.</summary>
    public string PullRequestWebUrl(string project, string repository, int id) =>
        $"{BaseAddress}{Uri.EscapeDataString(project)}/_git/{Uri.EscapeDataString(repository)}/pullrequest/{id}";

    /// <summary>The web page of a commit.</summary>
    public string CommitWebUrl(string project, string repository, string sha) =>
        $"{BaseAddress}{Uri.EscapeDataString(project)}/_git/{Uri.EscapeDataString(repository)}/commit/{sha}";

    /// <summary>The web page of a build (pipeline run).</summary>
    public string BuildWebUrl(string project, int buildId) =>
        $"{BaseAddress}{Uri.EscapeDataString(project)}/_build/results?buildId={buildId}";
}
