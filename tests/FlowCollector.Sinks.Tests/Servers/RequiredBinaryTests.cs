using FlowCollector.Testing.Servers;

namespace FlowCollector.Sinks.Tests.Servers;

// The developer-machine branch (Assert.Skip) cannot be asserted from inside a test: xunit marks the test skipped.
public sealed class RequiredBinaryTests
{
    [Theory]
    [InlineData("true")]
    [InlineData(null)]
    public void An_existing_binary_is_returned(string? ci)
    {
        Assert.Equal(InfluxDbServer.BinaryPath, RequiredBinary.Find(InfluxDbServer.BinaryPath, InfluxDbServer.DebianPackage, ci));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    public void A_missing_binary_on_CI_fails_saying_which_package_to_install(string ci)
    {
        var e = Assert.Throws<InvalidOperationException>(() => RequiredBinary.Find("/usr/bin/no-such-server", "no-such-pkg", ci));

        Assert.Equal("/usr/bin/no-such-server not found: install the Debian package no-such-pkg (apt-get install -y no-such-pkg); .ci/run does this", e.Message);
    }
}
