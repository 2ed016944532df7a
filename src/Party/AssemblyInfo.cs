using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Mpc.Party.Tests")]
