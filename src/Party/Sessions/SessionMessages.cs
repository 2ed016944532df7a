using Mpc.Runtime.Net;

namespace Mpc.Party.Sessions;

/// <summary>
/// The messages of the session protocol (docs/PARTY.md): how the parties agree on what to run.
/// Each is encoded as [session protocol version u8][kind u8][body]; protocol data (shares, masked
/// values) never travels in these messages, and their contents (names, counts, traffic totals) are
/// not secret.
/// </summary>
internal abstract record SessionMessage
{
    /// <summary>The session protocol version; a peer with another version is refused clearly.</summary>
    public const byte Version = 2;

    /// <summary>The largest message accepted (a report of three parties is about 200 bytes).</summary>
    public const int MaxBytes = 1 << 16;

    private protected abstract MessageKind Kind { get; }

    /// <summary>The message's bytes, as sent.</summary>
    public byte[] Encode()
    {
        var writer = new MessageWriter().Byte(Version).Byte((byte)Kind);
        WriteBody(writer);
        return writer.ToArray();
    }

    /// <summary>Decodes a message received from <paramref name="peer"/>.</summary>
    public static SessionMessage Decode(byte[] bytes, string peer)
    {
        var reader = new MessageReader(bytes, peer);
        var version = reader.Byte();
        if (version != Version)
        {
            throw new ChannelException(peer, $"{peer} speaks session protocol version {version}, this program version {Version}: run the same program version on every party");
        }

        SessionMessage message = (MessageKind)reader.Byte() switch
        {
            MessageKind.PartyHello => PartyHello.Read(reader),
            MessageKind.Request => RunRequest.Read(reader),
            MessageKind.Done => new Done(),
            MessageKind.Verdict => new Verdict(reader.Byte() != 0, reader.String()),
            MessageKind.Reports => Reports.Read(reader),
            var kind => throw reader.Malformed($"unknown message kind {(byte)kind}"),
        };
        reader.End();
        return message;
    }

    private protected virtual void WriteBody(MessageWriter writer)
    {
    }

    private protected enum MessageKind : byte
    {
        PartyHello = 1,
        Request = 2,
        Done = 3,
        Verdict = 4,
        Reports = 5,
    }
}

/// <summary>
/// First message between computing parties, both ways on each link: who the sender is and which
/// compiled model it runs; servers add the share set id of their share file (zeros on the helper).
/// </summary>
internal sealed record PartyHello(PartyRole Role, string Model, string Fingerprint, int BatchSize, byte[] ShareSetId) : SessionMessage
{
    private protected override MessageKind Kind => MessageKind.PartyHello;

    internal static PartyHello Read(MessageReader r) =>
        new((PartyRole)r.Byte(), r.String(), r.String(), r.Int32(), r.Bytes(Shares.ShareFile.ShareSetIdLength));

    private protected override void WriteBody(MessageWriter writer) =>
        writer.Byte((byte)Role).String(Model).String(Fingerprint).Int32(BatchSize).Bytes(ShareSetId);
}

/// <summary>
/// The client's request to each server: run <paramref name="Predictions"/> predictions of this model
/// under this protocol, preprocessing as <paramref name="Preprocessing"/> says (all three computing
/// parties must do the same: the ahead mode has a barrier between the phases).
/// </summary>
internal sealed record RunRequest(string Model, string Fingerprint, int BatchSize, string Protocol, int Predictions, Preprocessing Preprocessing = Preprocessing.Ahead) : SessionMessage
{
    private protected override MessageKind Kind => MessageKind.Request;

    internal static RunRequest Read(MessageReader r)
    {
        var (model, fingerprint, batch, protocol, predictions) = (r.String(), r.String(), r.Int32(), r.String(), r.Int32());
        var preprocessing = r.Byte();
        return Enum.IsDefined((Preprocessing)preprocessing)
            ? new(model, fingerprint, batch, protocol, predictions, (Preprocessing)preprocessing)
            : throw r.Malformed($"unknown preprocessing mode {preprocessing}");
    }

    private protected override void WriteBody(MessageWriter writer) =>
        writer.String(Model).String(Fingerprint).Int32(BatchSize).String(Protocol).Int32(Predictions).Byte((byte)Preprocessing);
}

/// <summary>How the computing parties run a prediction's offline phase relative to its online phase (docs/PARTY.md).</summary>
internal enum Preprocessing : byte
{
    /// <summary>The whole offline phase of a prediction, a barrier, then its online phase: the online latency alone.</summary>
    Ahead = 0,

    /// <summary>The offline phase on its own thread and links, at most the party's preprocessing buffer ahead of the online phase.</summary>
    Concurrent = 1,
}

/// <summary>The client is finished: the parties close the session and exit.</summary>
internal sealed record Done : SessionMessage
{
    private protected override MessageKind Kind => MessageKind.Done;
}

/// <summary>The servers' joint answer to a request (and server0's word to the helper when it is refused).</summary>
internal sealed record Verdict(bool Accepted, string Reason) : SessionMessage
{
    public static readonly Verdict Accept = new(true, "");

    private protected override MessageKind Kind => MessageKind.Verdict;

    public static Verdict Refuse(string reason) => new(false, reason);

    private protected override void WriteBody(MessageWriter writer) => writer.Byte(Accepted ? (byte)1 : (byte)0).String(Reason);
}

/// <summary>Traffic and time of parties for one request, sent to the client after its predictions.</summary>
internal sealed record Reports(IReadOnlyList<PartyReport> Items) : SessionMessage
{
    private protected override MessageKind Kind => MessageKind.Reports;

    internal static Reports Read(MessageReader r)
    {
        var count = r.Byte();
        var items = new PartyReport[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = new PartyReport((PartyRole)r.Byte(), r.Int32(), Totals(r), Totals(r), Totals(r), Totals(r));
        }

        return new Reports(items);

        static PhaseTotals Totals(MessageReader r) => new(r.Int64(), r.Int64(), r.Int64(), r.Double());
    }

    private protected override void WriteBody(MessageWriter writer)
    {
        writer.Byte((byte)Items.Count);
        foreach (var item in Items)
        {
            writer.Byte((byte)item.Role).Int32(item.Predictions);
            foreach (var t in new[] { item.Setup, item.ModelLoad, item.Offline, item.Online })
            {
                writer.Int64(t.BytesSent).Int64(t.BytesReceived).Int64(t.Rounds).Double(t.Milliseconds);
            }
        }
    }
}

/// <summary>One phase's protocol traffic on one party (<see cref="Runtime.Protocols.ProtocolStats"/>), and its wall-clock time.</summary>
internal sealed record PhaseTotals(long BytesSent, long BytesReceived, long Rounds, double Milliseconds)
{
    public static readonly PhaseTotals Zero = new(0, 0, 0, 0);
}

/// <summary>
/// What one computing party did for one request: <see cref="Setup"/> and <see cref="ModelLoad"/>
/// once per run (repeated in every report), <see cref="Offline"/> and <see cref="Online"/> summed
/// over the request's predictions.
/// </summary>
internal sealed record PartyReport(PartyRole Role, int Predictions, PhaseTotals Setup, PhaseTotals ModelLoad, PhaseTotals Offline, PhaseTotals Online);
