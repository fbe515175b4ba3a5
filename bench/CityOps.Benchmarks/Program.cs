using BenchmarkDotNet.Running;
using CityOps.Benchmarks;

if (args.Length > 0 && args[0] == "influx-throughput")
{
    return await InfluxThroughput.RunAsync(args);
}

if (args.Length > 0 && args[0] == "scale-devices")
{
    return await ScaleTest.RunAsync(args);
}

if (args.Length > 0 && args[0] == "bare-broker")
{
    return await BareBroker.RunAsync(args);
}

if (args.Length > 0 && args[0] == "backtest-speed")
{
    return BacktestSpeed.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
