using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlowCollector.Testing.Servers;

/// <summary>
/// A throwaway server process: started in its own temporary directory, its output drained asynchronously into
/// a bounded log (so a chatty server never blocks on a full pipe), ready when a probe URL answers, killed with
/// its whole process tree on dispose and its directory deleted.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int MaxLogLines = 400;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process process;
    private readonly Queue<string> log = new();
    private readonly string name;
    private bool keepDirectory;

    private ServerProcess(string name, Process process, string directory)
    {
        this.name = name;
        this.process = process;
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>The last lines the server wrote to stdout and stderr.</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return string.Join(Environment.NewLine, log);
            }
        }
    }

    /// <summary>A directory under the system temp folder for one server's data and configuration.</summary>
    public static string CreateTempDirectory(string prefix)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>A loopback port that was free a moment ago (the server binds it right after).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <paramref name="fileName"/> and waits until <paramref name="readyProbe"/> answers <paramref name="readyStatus"/>.</summary>
    /// <exception cref="InvalidOperationException">The server exited or was not ready within <paramref name="startTimeout"/>; the message carries its log.</exception>
    public static async Task<ServerProcess> StartAsync(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        string directory,
        Uri readyProbe,
        HttpStatusCode readyStatus,
        TimeSpan startTimeout,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var server = new ServerProcess(name, process, directory);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await server.WaitUntilReadyAsync(readyProbe, readyStatus, startTimeout, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the server (SIGKILL, as a crash or an OOM kill would) but keeps its directory, so it can be started again on the same data.</summary>
    public async Task KillKeepingDataAsync()
    {
        await StopProcessAsync();
        keepDirectory = true;
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        if (!keepDirectory)
        {
            await DeleteDirectoryAsync(Directory);
        }
    }

    private async Task StopProcessAsync()
    {
        try
        {
            if (!HasExited())
            {
                process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone: nothing to stop.
        }
        catch (OperationCanceledException)
        {
            // A process that ignores SIGKILL for 10 s is beyond our help; the temp dir cleanup below still runs.
        }
        finally
        {
            process.Dispose();
        }
    }

    private async Task WaitUntilReadyAsync(Uri probe, HttpStatusCode readyStatus, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var stopwatch = Stopwatch.StartNew();
        string lastProblem = "no answer yet";
        while (stopwatch.Elapsed < startTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (HasExited())
            {
                throw new InvalidOperationException(
                    $"{name} exited with code {process.ExitCode} before it was ready ({probe}). Its log:{Environment.NewLine}{Log}");
            }

            try
            {
                using var response = await http.GetAsync(probe, cancellationToken);
                if (response.StatusCode == readyStatus)
                {
                    return;
                }

                lastProblem = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                lastProblem = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastProblem = "probe timed out";
            }

            await Task.Delay(ProbeInterval, cancellationToken);
        }

        throw new InvalidOperationException(
            $"{name} was not ready within {startTimeout.TotalSeconds:0} s: {probe} answered {lastProblem}, expected HTTP {(int)readyStatus}. Its log:{Environment.NewLine}{Log}");
    }

    private bool HasExited()
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.Enqueue(line);
            while (log.Count > MaxLogLines)
            {
                log.Dequeue();
            }
        }
    }

    public static async Task DeleteDirectoryAsync(string directory)
    {
        // A killed server may still hold file handles for a moment; a leftover temp dir is not worth failing a test for.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (System.IO.Directory.Exists(directory))
                {
                    System.IO.Directory.Delete(directory, recursive: true);
                }

                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Builds an InfluxDB-style TOML string literal.</summary>
    internal static string TomlString(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
