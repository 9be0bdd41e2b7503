namespace FlowCollector.Worker.Tests;

/// <summary>The checkout the tests run from (the folder holding FlowCollector.sln), for tests that read its sources and docs.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "FlowCollector.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("FlowCollector.sln not found above " + AppContext.BaseDirectory);
    }
}
