using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.JSInterop;

namespace BillingConsole.Web.Circuits;

/// <summary>Tells <see cref="LiveCircuits"/> which circuits have a browser connected (one handler per circuit, with
/// that circuit's JS runtime).</summary>
public sealed class LiveCircuitsHandler(LiveCircuits live, IJSRuntime js) : CircuitHandler
{
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        live.Connected(circuit.Id, js);
        return Task.CompletedTask;
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        live.Gone(circuit.Id);
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        live.Gone(circuit.Id);
        return Task.CompletedTask;
    }
}
