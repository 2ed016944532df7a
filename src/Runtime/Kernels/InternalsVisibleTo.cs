using System.Runtime.CompilerServices;

// The tests drive each vector width's path directly and the benchmarks compare the internal conv
// methods (direct vs im2col), so both see the kernels' internal overloads.
[assembly: InternalsVisibleTo("Mpc.Runtime.Tests")]
[assembly: InternalsVisibleTo("Mpc.Benchmarks")]
