using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Sinks.File;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sinks.Tests.File;

public sealed class LineProtocolFileSinkTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"flowcollector-filesink-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Appends_lines_and_creates_the_directory()
    {
        using var sink = Sink(maxFileBytes: 1 << 20, maxFiles: 3, relative: "nested/deeper/points.lp");

        await sink.WriteAsync([Point(1), Point(2)], TestContext.Current.CancellationToken);
        await sink.WriteAsync([Point(3)], TestContext.Current.CancellationToken);

        Assert.Equal(
            "m,t=x n=1i 1\nm,t=x n=2i 2\nm,t=x n=3i 3\n",
            await System.IO.File.ReadAllTextAsync(sink.FullPath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Rotates_when_the_next_line_would_exceed_the_size_and_keeps_at_most_MaxFiles()
    {
        // Each line "m,t=x n=Ni N\n" with a one-digit N is 13 bytes; 30 bytes hold two lines.
        using var sink = Sink(maxFileBytes: 30, maxFiles: 3);

        for (var i = 1; i <= 9; i++)
        {
            await sink.WriteAsync([Point(i)], TestContext.Current.CancellationToken);
        }

        var ct = TestContext.Current.CancellationToken;
        Assert.Equal("m,t=x n=9i 9\n", await System.IO.File.ReadAllTextAsync(sink.FullPath, ct));
        Assert.Equal("m,t=x n=7i 7\nm,t=x n=8i 8\n", await System.IO.File.ReadAllTextAsync(sink.RotatedPath(1), ct));
        Assert.Equal("m,t=x n=5i 5\nm,t=x n=6i 6\n", await System.IO.File.ReadAllTextAsync(sink.RotatedPath(2), ct));
        Assert.False(System.IO.File.Exists(sink.RotatedPath(3)), "points.3.lp must have been deleted: MaxFiles is 3");
        Assert.Equal(["points.1.lp", "points.2.lp", "points.lp"], Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Splits_one_large_batch_across_rotated_files()
    {
        using var sink = Sink(maxFileBytes: 30, maxFiles: 10);

        await sink.WriteAsync([.. Enumerable.Range(1, 5).Select(Point)], TestContext.Current.CancellationToken);

        var ct = TestContext.Current.CancellationToken;
        Assert.Equal("m,t=x n=5i 5\n", await System.IO.File.ReadAllTextAsync(sink.FullPath, ct));
        Assert.Equal("m,t=x n=3i 3\nm,t=x n=4i 4\n", await System.IO.File.ReadAllTextAsync(sink.RotatedPath(1), ct));
        Assert.Equal("m,t=x n=1i 1\nm,t=x n=2i 2\n", await System.IO.File.ReadAllTextAsync(sink.RotatedPath(2), ct));
    }

    [Fact]
    public async Task With_MaxFiles_1_the_file_starts_afresh()
    {
        using var sink = Sink(maxFileBytes: 30, maxFiles: 1);

        await sink.WriteAsync([Point(1), Point(2), Point(3)], TestContext.Current.CancellationToken);

        Assert.Equal("m,t=x n=3i 3\n", await System.IO.File.ReadAllTextAsync(sink.FullPath, TestContext.Current.CancellationToken));
        Assert.Single(Directory.GetFiles(directory));
    }

    [Fact]
    public async Task A_fragment_left_by_a_crash_is_not_glued_to_the_next_line()
    {
        using var sink = Sink(maxFileBytes: 1 << 20, maxFiles: 2);
        Directory.CreateDirectory(directory);
        await System.IO.File.WriteAllTextAsync(sink.FullPath, "m,t=x n=1i 1\nm,t=x n=", TestContext.Current.CancellationToken);

        await sink.WriteAsync([Point(2)], TestContext.Current.CancellationToken);

        var lines = await System.IO.File.ReadAllLinesAsync(sink.FullPath, TestContext.Current.CancellationToken);
        Assert.Equal(["m,t=x n=1i 1", "m,t=x n=", "m,t=x n=2i 2"], lines);
    }

    [Fact]
    public async Task Concurrent_writers_never_interleave_lines()
    {
        using var sink = Sink(maxFileBytes: 1 << 20, maxFiles: 2);

        await Parallel.ForEachAsync(Enumerable.Range(0, 20), TestContext.Current.CancellationToken, async (target, ct) =>
            await sink.WriteAsync([.. Enumerable.Range(target * 100, 100).Select(Point)], ct));

        var lines = await System.IO.File.ReadAllLinesAsync(sink.FullPath, TestContext.Current.CancellationToken);
        Assert.Equal(2000, lines.Length);
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"m,t=x n={i}i {i}").Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_invalid_point_writes_nothing_and_is_a_permanent_error()
    {
        using var sink = Sink(maxFileBytes: 1 << 20, maxFiles: 2);

        var e = await Assert.ThrowsAsync<SinkException>(() => sink.WriteAsync([Point(1), new FlowPoint("m", [], [], 2)], TestContext.Current.CancellationToken));

        Assert.True(e.Permanent);
        Assert.Contains("bug", e.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(sink.FullPath));
    }

    [Fact]
    public async Task Check_passes_for_a_writable_directory_without_writing_data()
    {
        using var sink = Sink(maxFileBytes: 1 << 20, maxFiles: 2, relative: "sub/points.lp");
        Directory.CreateDirectory(directory);

        Assert.Null(await sink.CheckAsync(TestContext.Current.CancellationToken));

        // validate writes nothing: the folder the first write will create is checked where it would be created.
        Assert.False(Directory.Exists(Path.Combine(directory, "sub")));
        Assert.Empty(Directory.GetFileSystemEntries(directory));
    }

    [Fact]
    public async Task Check_names_the_key_when_the_directory_cannot_be_created()
    {
        Directory.CreateDirectory(directory);
        var blocker = Path.Combine(directory, "a-file");
        await System.IO.File.WriteAllTextAsync(blocker, "not a directory", TestContext.Current.CancellationToken);
        using var sink = new LineProtocolFileSink(Options.Create(new FileSinkOptions { Path = Path.Combine(blocker, "points.lp") }));

        var problem = await sink.CheckAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(problem);
        Assert.Contains("Sinks:File:Path", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Description_shows_the_configured_path()
    {
        using var sink = new LineProtocolFileSink(Options.Create(new FileSinkOptions()));

        Assert.Equal("file data/points.lp", sink.Description);
        Assert.Equal(Path.GetFullPath("data/points.lp"), sink.FullPath);
        Assert.Equal(Path.GetFullPath("data/points.1.lp"), sink.RotatedPath(1));
    }

    private LineProtocolFileSink Sink(long maxFileBytes, int maxFiles, string relative = "points.lp") =>
        new(Options.Create(new FileSinkOptions { Path = Path.Combine(directory, relative), MaxFileBytes = maxFileBytes, MaxFiles = maxFiles }));

    private static FlowPoint Point(int n) => new("m", [new("t", "x")], [new("n", FieldValue.Of((long)n))], n);
}
