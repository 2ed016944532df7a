using Mpc.Party;
using Mpc.PartyHost;

// The thin entry point generated code will have; the variant comes from MPC_PARTYHOST_MODEL.
var model = ExampleModel.FromEnvironment(out var problem);
if (model is null)
{
    Console.Error.WriteLine($"partyhost: {problem}");
    return 2;
}

return PartyProgram.Run("partyhost", model, args);
