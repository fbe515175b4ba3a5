namespace CityOps.Ingest.Influx;

/// <summary>
/// Line protocol kept on disk while InfluxDB is unavailable: append-only segment files
/// (<c>spill-00000001.ns.lp</c>, …) under the data folder, each append flushed to disk before it
/// counts as durable. Segments are replayed oldest first and deleted once InfluxDB has them; a
/// torn last line (a crash mid-append, never acknowledged) is skipped. While anything is spilled,
/// new batches are appended behind it, so InfluxDB receives everything in order.
/// </summary>
public sealed class SpillFolder : IDisposable
{
    private const long SegmentBytes = 64L * 1024 * 1024;

    private readonly object _gate = new();
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly Queue<SpillSegment> _closed = new();
    private FileStream? _open;
    private SpillSegment? _openSegment;
    private long _nextNumber = 1;

    public SpillFolder(string path, long maxBytes)
    {
        _path = path;
        _maxBytes = maxBytes;
        Directory.CreateDirectory(path);
        foreach (var segment in Directory.GetFiles(path, "spill-*.lp").Select(SpillSegment.Open).OrderBy(s => s.Number))
        {
            _closed.Enqueue(segment);
            Lines += segment.Lines;
            Bytes += segment.Bytes;
            _nextNumber = Math.Max(_nextNumber, segment.Number + 1);
        }

        Active = _closed.Count > 0;
    }

    /// <summary>True while spilled lines wait for InfluxDB: new batches must go behind them.</summary>
    public bool Active { get; private set; }

    public long Lines { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>
    /// Appends the batch and flushes it to disk. With <paramref name="onlyIfActive"/>, appends only
    /// while spilled lines are waiting (false otherwise). Throws <see cref="IOException"/> when the
    /// disk is full, unwritable, or the folder's limit is reached: the batch is then not durable.
    /// </summary>
    public bool Append(LineChunk batch, bool onlyIfActive)
    {
        lock (_gate)
        {
            if (onlyIfActive && !Active)
            {
                return false;
            }

            if (Bytes + batch.Length > _maxBytes)
            {
                throw new IOException($"the spill folder {_path} holds {Bytes / (1024 * 1024)} MiB, its limit (CityOps:Influx:MaxSpillBytes)");
            }

            if (_open is null || _openSegment!.Bytes >= SegmentBytes)
            {
                CloseOpen();
                var number = _nextNumber++;
                var file = Path.Combine(_path, SpillSegment.NameOf(number));
                _open = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
                _openSegment = new SpillSegment(file, number, 0, 0);
            }

            var start = _open.Position;
            try
            {
                _open.Write(batch.Bytes);
                _open.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                // Leave no partial batch behind: the next append starts on a clean line, or in a new
                // file when even that fails (replay skips a torn last line).
                try
                {
                    _open.SetLength(start);
                }
                catch (IOException)
                {
                    CloseOpen();
                }

                throw;
            }

            _openSegment = _openSegment with { Lines = _openSegment.Lines + batch.Lines, Bytes = _openSegment.Bytes + batch.Length };
            Lines += batch.Lines;
            Bytes += batch.Length;
            Active = true;
            return true;
        }
    }

    /// <summary>
    /// The oldest segment to replay (closing the one being appended to, if it is the last). When
    /// nothing is left, the folder turns inactive in the same step, so no append can slip behind.
    /// </summary>
    public bool TryTakeOldest(out SpillSegment segment)
    {
        lock (_gate)
        {
            if (_closed.Count == 0 && _openSegment is { Lines: > 0 })
            {
                CloseOpen();
            }

            if (_closed.TryDequeue(out segment!))
            {
                return true;
            }

            Active = false;
            return false;
        }
    }

    /// <summary>The segment is in InfluxDB: delete it.</summary>
    public void Complete(SpillSegment segment)
    {
        File.Delete(segment.File);
        lock (_gate)
        {
            Lines -= segment.Lines;
            Bytes -= segment.Bytes;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _open?.Dispose();
            _open = null;
        }
    }

    private void CloseOpen()
    {
        if (_open is null)
        {
            return;
        }

        _open.Dispose();
        _open = null;
        if (_openSegment is { Lines: > 0 })
        {
            _closed.Enqueue(_openSegment);
        }
        else if (_openSegment is not null)
        {
            File.Delete(_openSegment.File);
        }

        _openSegment = null;
    }
}
