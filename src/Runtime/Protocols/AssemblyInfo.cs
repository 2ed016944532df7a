using System.Runtime.CompilerServices;

// Protocol tests exercise internal building blocks (Z_67 and odd-ring arithmetic, samplers, the dealer) directly.
[assembly: InternalsVisibleTo("Mpc.Runtime.Tests")]
