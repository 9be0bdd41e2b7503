using FlowCollector.Worker.Cli;

return await FlowCollectorApp.RunAsync(args, Console.Out, Console.Error);
