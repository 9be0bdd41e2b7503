using Xunit;

namespace FlowCollector.Testing.Servers;

/// <summary>
/// Finds a server binary that a real-server test needs. On CI (environment variable <c>CI=true</c>) a missing
/// binary fails the test, because a skipped integration test would hide a broken pipeline; on a developer's
/// machine it skips the test with the same message, which says which Debian package to install.
/// </summary>
public static class RequiredBinary
{
    /// <summary>Returns <paramref name="path"/> when the file exists; otherwise fails (CI) or skips the test.</summary>
    /// <param name="path">The absolute path of the binary, e.g. <c>/usr/bin/influxd</c>.</param>
    /// <param name="debianPackage">The Debian package that installs it, e.g. <c>influxdb</c>.</param>
    public static string Find(string path, string debianPackage) => Find(path, debianPackage, Environment.GetEnvironmentVariable("CI"));

    /// <summary>As <see cref="Find(string, string)"/> with the value of the <c>CI</c> variable given (so the rule itself can be tested).</summary>
    public static string Find(string path, string debianPackage, string? ci)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(debianPackage);
        if (File.Exists(path))
        {
            return path;
        }

        var message = MissingMessage(path, debianPackage);
        if (string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(message);
        }

        Assert.Skip(message);
        return path; // not reached: Assert.Skip throws
    }

    /// <summary>The one-line explanation used both for the failure (CI) and the skip (developer machine).</summary>
    public static string MissingMessage(string path, string debianPackage) =>
        $"{path} not found: install the Debian package {debianPackage} (apt-get install -y {debianPackage}); .ci/run does this";
}
