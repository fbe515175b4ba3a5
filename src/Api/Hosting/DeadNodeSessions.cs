using System.Threading.Channels;
using CityOps.Grains.Cluster;
using CityOps.Ingest;

namespace CityOps.Api.Hosting;

/// <summary>
/// In a cluster on an external broker: when Orleans declares a node dead, the node holding the cluster lease adopts
/// the MQTT session that node left at the broker (its silo name is its MQTT client id) and drains it, so the readings
/// the broker queued for the dead node are judged within seconds instead of waiting for it to come back. Every node
/// watches membership from its start and remembers the nodes it saw alive and then dead; only the lease holder acts,
/// and a node that takes the lease later adopts again what it saw die (an ended session resumes empty, at no cost).
/// A node that is alive again under the same name is left alone: it resumes its session itself.
/// </summary>
public sealed partial class DeadNodeSessions(
    IClusterMembershipService membership,
    ILeaderLease lease,
    SessionAdopter adopter,
    ILocalSiloDetails self,
    ILogger<DeadNodeSessions> logger) : BackgroundService
{
    private readonly Channel<string> _dead = Channel.CreateUnbounded<string>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var adopting = AdoptAsync(stoppingToken);
        var alive = new Dictionary<SiloAddress, string>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                foreach (var (address, member) in snapshot.Members)
                {
                    if (member.Status == SiloStatus.Active && !address.Equals(self.SiloAddress))
                    {
                        alive[address] = member.Name;
                    }
                    else if (member.Status == SiloStatus.Dead && alive.Remove(address, out var name))
                    {
                        LogDeclaredDead(logger, name, address.ToString());
                        _dead.Writer.TryWrite(name);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        _dead.Writer.TryComplete();
        await adopting.ConfigureAwait(false);
    }

    private async Task AdoptAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var name in _dead.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await lease.WaitUntilHeldAsync(stoppingToken).ConfigureAwait(false);
                for (var attempt = 1; ; attempt++)
                {
                    if (membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && m.Name == name))
                    {
                        break; // back under the same name: its session is its own again
                    }

                    try
                    {
                        await adopter.AdoptAsync(name, stoppingToken).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException && attempt < 10)
                    {
                        LogRetry(logger, name, ex.Message);
                        await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt * 2, 10)), stoppingToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Name} ({Address}) declared dead by the cluster")]
    private static partial void LogDeclaredDead(ILogger logger, string name, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not adopt the MQTT session of dead node {Name}, retrying: {Reason}")]
    private static partial void LogRetry(ILogger logger, string name, string reason);
}
