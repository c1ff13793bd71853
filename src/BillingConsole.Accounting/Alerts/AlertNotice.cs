using System.Text.Json;
using System.Text.Json.Serialization;

namespace BillingConsole.Accounting.Alerts;

/// <summary>The body of a notice: the webhook's JSON (Standard Webhooks shape: <c>type</c>, <c>timestamp</c>,
/// <c>data</c>) and what the email is written from.</summary>
public sealed record AlertNotice(string Type, DateTime Timestamp, AlertNoticeData Data)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static AlertNotice FromJson(string json) =>
        JsonSerializer.Deserialize<AlertNotice>(json, Json) ?? throw new InvalidOperationException("An empty notice payload.");

    public static string TypeOf(string transition) => "alert." + transition;
}

/// <param name="Value">The figure in the kind's unit (see <see cref="AlertFigure"/>).</param>
/// <param name="Url">The console's alerts page.</param>
public sealed record AlertNoticeData(long AlertId, long RuleId, long AccountId, string AccountName, string Kind, string Transition,
    long Threshold, long? SubjectId, long Value, string Message, string Url);
