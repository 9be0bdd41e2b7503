using Xunit;

namespace FlowCollector.Testing;

/// <summary>
/// Published descriptions (GitHub's API descriptions, Grafana's dashboard schema), installed from npm under the
/// repository's <c>.tools/npm</c> by .ci/run (or named by an environment variable): missing, a test that needs one is
/// skipped on a developer's machine and fails under CI=true.
/// </summary>
public static class PublishedDescriptions
{
    /// <summary>
    /// <paramref name="variable"/>'s value, else <c>.tools/npm/node_modules/{package name}/{relativeFile}</c>'s folder or
    /// file; <paramref name="mustContain"/> is checked below it. <paramref name="package"/> is <c>name@version</c>.
    /// </summary>
    public static string Locate(string variable, string package, string relativeFile, string? mustContain = null)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        var name = package[..package.LastIndexOf('@')];
        var path = string.IsNullOrEmpty(configured)
            ? Path.Combine([RepositoryRoot(), ".tools", "npm", "node_modules", .. name.Split('/'), .. relativeFile.Split('/', StringSplitOptions.RemoveEmptyEntries)])
            : configured;
        var check = mustContain is null ? path : Path.Combine(path, mustContain);
        if (File.Exists(check))
        {
            return path;
        }

        var message = $"{check} not found: install it (npm install --no-save --prefix .tools/npm {package}) or set {variable}; .ci/run does this";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(message);
        }

        Assert.Skip(message);
        return path;
    }

    /// <summary>The folder holding Directory.Packages.props above the test binary.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
