namespace BillingConsole.Web.Api;

/// <summary>The audit trail as CSV: the JSON rows' fields as columns, in the same order. Tags are one cell,
/// comma-separated; a call without a key has an empty key_name, one whose gateway reported no HTTP status an empty http_status.</summary>
public static class RequestsCsv
{
    public static readonly ExportTable<RequestResponse> Table = new(
    [
        "id", "reservation_id", "created_at", "started_at", "model", "provider", "status", "error_code", "input_tokens", "output_tokens",
        "cached_tokens", "cost", "market_cost", "latency_ms", "ttfb_ms", "streaming", "api_key_id", "client_ip", "user_agent", "tags",
        "key_name", "http_status",
    ],
        (csv, r) => csv.Number(r.Id).Number(r.ReservationId).Timestamp(r.CreatedAt).Timestamp(r.StartedAt).Text(r.Model).Text(r.Provider)
            .Text(r.Status).Text(r.ErrorCode).Number(r.InputTokens).Number(r.OutputTokens).Number(r.CachedTokens).Number(r.Cost)
            .Number(r.MarketCost).Number(r.LatencyMs).Number(r.TtfbMs).Bool(r.Streaming).Number(r.ApiKeyId).Text(r.ClientIp)
            .Text(r.UserAgent).Text(string.Join(',', r.Tags)).Text(r.KeyName).Number(r.HttpStatus));
}
