using FlowCollector.Bench;
using FlowCollector.Bench.AzureDevOps;
using FlowCollector.Bench.Engine;
using FlowCollector.Bench.GitHub;
using FlowCollector.Bench.Sink;

const string Usage = """
    usage: dotnet run -c Release --project bench/FlowCollector.Bench -- <scenario> [options]

    engine   value-stream engine throughput and allocations on synthetic events
             --sizes 10000,100000,1000000  --repos 100  --reps 5  --seed 42
             --breakdown-size 100000  --sweep-repos 100,10,1  --no-breakdown
             --whole-read  (everything a read evaluates: RepositoryRead.Evaluate, fold and points included)
    github   API requests and wall time of the GitHub source against the simulator
             --prs 100,500  --repos 1  --reps 3  --seed 7  --latency-ms 0
             --set "Key=Value;…"  (Sources:GitHub keys, e.g. PageSize=50)
    azuredevops  requests per completed PR, build and deployment of the Azure DevOps source against the simulator:
             a backfill of one project, then a re-poll of it unchanged
             --prs 2000 (completed)  --builds 5000  --repos 1  --extra-builds pr,trunk  --reps 1  --seed 7
             --latency-ms 0  --set "Key=Value;…"  (Sources:AzureDevOps keys, e.g. PageSize=100)

    sink     points/s and bytes/point written through the production sink to a local InfluxDB 1.x and VictoriaMetrics
             --points 1M  --repos 100  --batch 5000  --targets influxdb-v1,victoria-metrics-v2  --no-gzip  --in-flight 2
         influxdb-v1 also runs a plain loader (1 and 2 writers) on the same server and prints the sink's ratio

    Figures go to standard output as Markdown tables; progress goes to standard error.
    """;

if (args is ["help" or "--help" or "-h", ..])
{
    Console.Out.WriteLine(Usage);
    return 0;
}

try
{
    var arguments = BenchArguments.Parse(args);
    switch (arguments.Scenario)
    {
        case "engine":
            EngineBenchmark.Run(arguments, Console.Out, Console.Error);
            break;
        case "github":
            await GitHubBenchmark.RunAsync(arguments, Console.Out, Console.Error);
            break;
        case "azuredevops":
            await AzureDevOpsBenchmark.RunAsync(arguments, Console.Out, Console.Error);
            break;
        case "sink":
            await SinkBenchmark.RunAsync(arguments, Console.Out, Console.Error);
            break;
        default:
            throw new BenchUsageException($"unknown scenario '{arguments.Scenario}' (engine, github, azuredevops or sink)");
    }

    return 0;
}
catch (BenchUsageException e)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}
