using System.Text;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Sinks.LineProtocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sinks.File;

/// <summary>
/// Appends points as line protocol to a local file (<see cref="FileSinkOptions"/>), flushed to disk before
/// <see cref="WriteAsync"/> returns so the caller may advance its watermark, and rotated by size.
/// One writer at a time: concurrent targets queue on a lock.
/// </summary>
public sealed partial class LineProtocolFileSink : IPointSink, IDisposable
{
    private static readonly byte[] LineFeed = "\n"u8.ToArray();

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly FileSinkOptions options;
    private readonly ILogger logger;
    private readonly string fullPath;
    private readonly string directory;

    public LineProtocolFileSink(IOptions<FileSinkOptions> options, ILogger<LineProtocolFileSink>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.logger = logger ?? NullLogger<LineProtocolFileSink>.Instance;
        fullPath = System.IO.Path.GetFullPath(this.options.Path);
        directory = System.IO.Path.GetDirectoryName(fullPath)!;
    }

    /// <summary><c>file {Sinks:File:Path}</c> as configured, e.g. <c>file data/points.lp</c>.</summary>
    public string Description => $"file {options.Path}";

    /// <summary>The absolute path of the current file.</summary>
    public string FullPath => fullPath;

    /// <summary>The path of rotated file number <paramref name="generation"/> (1 = newest): <c>points.lp</c> → <c>points.1.lp</c>.</summary>
    public string RotatedPath(int generation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generation, 1);
        var name = System.IO.Path.GetFileNameWithoutExtension(fullPath);
        var extension = System.IO.Path.GetExtension(fullPath);
        return System.IO.Path.Combine(directory, $"{name}.{generation}{extension}");
    }

    public async Task WriteAsync(IReadOnlyList<FlowPoint> points, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            return;
        }

        // Serialise before taking the lock: an invalid point must leave the file untouched.
        var lines = new List<byte[]>(points.Count);
        var builder = new StringBuilder(256);
        foreach (var point in points)
        {
            builder.Clear();
            try
            {
                LineProtocolWriter.Append(builder, point);
            }
            catch (ArgumentException e)
            {
                throw new SinkException($"{Description}: a point cannot be written as line protocol: {e.Message} This is a FlowCollector bug; please report it with this message.", permanent: true, e);
            }

            lines.Add(Encoding.UTF8.GetBytes(builder.Append('\n').ToString()));
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            // Not cancellable from here on: a half-written batch is worse than a late one.
            Append(lines);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw new SinkException($"{Description}: no permission to write {fullPath} ({e.Message}); set Sinks:File:Path to a writable location (env Sinks__File__Path).", permanent: true, e);
        }
        catch (IOException e)
        {
            throw new SinkException($"{Description}: writing {fullPath} failed ({e.Message}); check free disk space and Sinks:File:Path (env Sinks__File__Path).", permanent: false, e);
        }
        finally
        {
            gate.Release();
        }

        Log.Appended(logger, points.Count, fullPath);
    }

    public Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            // validate writes nothing: a folder that does not exist yet is checked where it would be created.
            var folder = directory;
            while (!Directory.Exists(folder) && System.IO.Path.GetDirectoryName(folder) is { Length: > 0 } parent)
            {
                if (System.IO.File.Exists(folder))
                {
                    throw new IOException($"{folder} is a file, so the folder cannot be created");
                }

                folder = parent;
            }

            // Prove the folder takes new files (rotation needs that) without leaving anything behind.
            var probe = System.IO.Path.Combine(folder, $".flowcollector-check-{Guid.NewGuid():N}.tmp");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            if (System.IO.File.Exists(fullPath))
            {
                using var existing = new FileStream(fullPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            }

            return Task.FromResult<string?>(null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return Task.FromResult<string?>(
                $"{Description}: cannot write to {fullPath} ({e.Message}); set Sinks:File:Path to a writable location (env Sinks__File__Path).");
        }
    }

    public void Dispose() => gate.Dispose();

    private void Append(List<byte[]> lines)
    {
        Directory.CreateDirectory(directory);
        var stream = OpenCurrent();
        try
        {
            foreach (var line in lines)
            {
                if (stream.Length > 0 && stream.Length + line.Length > options.MaxFileBytes)
                {
                    stream.Flush(flushToDisk: true);
                    stream.Dispose();
                    Rotate();
                    stream = OpenCurrent();
                }

                stream.Write(line);
            }

            stream.Flush(flushToDisk: true);
        }
        finally
        {
            stream.Dispose();
        }
    }

    private FileStream OpenCurrent()
    {
        var stream = new FileStream(fullPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (stream.Length > 0)
            {
                // A crash in the middle of a line must not glue that fragment to the next point.
                stream.Seek(-1, SeekOrigin.End);
                var last = stream.ReadByte();
                stream.Seek(0, SeekOrigin.End);
                if (last != '\n')
                {
                    stream.Write(LineFeed);
                }
            }

            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private void Rotate()
    {
        var keep = options.MaxFiles;
        if (keep <= 1)
        {
            System.IO.File.Delete(fullPath);
        }
        else
        {
            System.IO.File.Delete(RotatedPath(keep - 1));
            for (var generation = keep - 2; generation >= 1; generation--)
            {
                var from = RotatedPath(generation);
                if (System.IO.File.Exists(from))
                {
                    System.IO.File.Move(from, RotatedPath(generation + 1), overwrite: true);
                }
            }

            System.IO.File.Move(fullPath, RotatedPath(1), overwrite: true);
        }

        Log.Rotated(logger, fullPath, keep);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Appended {PointCount} points to {FilePath}")]
        public static partial void Appended(ILogger logger, int pointCount, string filePath);

        [LoggerMessage(2, LogLevel.Information, "Rotated {FilePath} (keeping {MaxFiles} files)")]
        public static partial void Rotated(ILogger logger, string filePath, int maxFiles);
    }
}
